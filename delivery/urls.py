from django.urls import path

from .views import forecasts

app_name = "delivery"
P = "products/<int:product_id>"
urlpatterns = [
    path(f"{P}/forecast/", forecasts.forecast_fragment, name="forecast"),
]
