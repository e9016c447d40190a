from django.urls import path

from . import views

urlpatterns = [
    path("practice/", views.student_home, name="student_home"),
    path("teach/", views.instructor_home, name="instructor_home"),
    path("overview/", views.supervisor_home, name="supervisor_home"),
]
