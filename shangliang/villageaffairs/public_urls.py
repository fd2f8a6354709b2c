"""Public pages of village affairs, under /public/ (no account needed): a village's disclosures, one disclosure,
the receipt of a resident's comment or objection."""

from django.urls import path

from shangliang.core.urls import moved
from shangliang.villageaffairs.views import public

urlpatterns = [
    path("units/<int:pk>/village/", public.village, name="public_village"),
    path("disclosures/<int:pk>/", public.disclosure, name="public_disclosure"),
    path("disclosures/<int:pk>/print/", public.disclosure_print, name="public_disclosure_print"),
    path("receipts/<str:code>/", public.receipt, name="receipt"),
]

# The addresses before /public/.
old_addresses = [
    moved("village/public/units/<int:pk>/", "villageaffairs:public_village"),
    moved("village/public/disclosures/<int:pk>/", "villageaffairs:public_disclosure"),
    moved("village/public/receipts/<str:code>/", "villageaffairs:receipt"),
]
