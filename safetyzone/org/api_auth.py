"""The API's login and logout: a username and password for a token, and the token's
revocation (one token, or all of the user's)."""

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.auth import TokenAuthentication
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .tokens import api_token_issue, api_token_revoke, api_tokens_revoke_all

TokenResponse = inline_serializer(
    "ApiToken",
    {
        "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`."),
        "expiry": serializers.DateTimeField(help_text="When the token stops working."),
    },
)


class TokenView(APIView):
    """POST a username and password for a new token; DELETE with a token revokes it.

    The login goes through ``authenticate()``, so django-axes counts failures and locks
    a username out per client address as on the login page."""

    authentication_classes = [TokenAuthentication]
    serializer_class = AuthTokenSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenResponse}, auth=[])
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        instance, token = api_token_issue(user=user)
        # As a login on the page: last_login, and axes forgets the earlier failures.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response({"token": token, "expiry": instance.expiry})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    """Revoke the token this request is authenticated with."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Revoke every token of the user (every device and script signed in with one)."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        api_tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
