"""The API's serializers, one module per area beside its viewsets
(``campaigns.api.tasks`` uses ``campaigns.api.serializers.tasks``). Shape only: the
services check the rules."""
