from django.urls import path

from . import views

urlpatterns = [
    path("codes/", views.code_catalog, name="code_catalog"),
]
