from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("codes/", views.code_catalog, name="code_catalog"),
    path("rules/", views.coding_rules, name="coding_rules"),
]
