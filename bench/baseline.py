"""Plain Django views, the baselines of the load benchmark: the same rows of the same
model as the product's list, with nothing but the ORM and a template or JsonResponse."""

urlpatterns: list = []
