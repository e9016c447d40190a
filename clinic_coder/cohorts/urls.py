from django.urls import path

from . import views

urlpatterns = [
    path("teach/", views.instructor_home, name="instructor_home"),
    path("overview/", views.supervisor_home, name="supervisor_home"),
]
