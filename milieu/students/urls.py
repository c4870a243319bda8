app_name = "students"

urlpatterns: list[object] = []
