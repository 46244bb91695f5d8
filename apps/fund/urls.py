"""Pages of the fund app, under ``/fund/``."""

from django.urls import path

from apps.fund import views, views_disclosure, views_expenses, views_programmes, views_public

app_name = "fund"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.fund_detail, name="detail"),
    path("<int:pk>/donations/", views.donation_list, name="donations"),
    path("<int:pk>/donations/new/", views.donation_create, name="donation_create"),
    path("<int:pk>/receipts/<int:donation_pk>/", views.receipt, name="receipt"),
    path("<int:pk>/receipts/<int:donation_pk>.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("<int:pk>/pledges/new/", views.pledge_create, name="pledge_create"),
    path("<int:pk>/pledges/<int:pledge_pk>/pay/", views.pledge_pay, name="pledge_pay"),
    path("<int:pk>/ledger/", views.ledger, name="ledger"),
    path("<int:pk>/ledger/<int:entry_pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("<int:pk>/expenses/", views_expenses.expense_list, name="expenses"),
    path("<int:pk>/transfer/", views_expenses.transfer, name="transfer"),
    path("<int:pk>/programmes/", views_programmes.programme_list, name="programmes"),
    path("<int:pk>/programmes/<int:programme_pk>/", views_programmes.programme_detail, name="programme"),
    path("<int:pk>/programmes/<int:programme_pk>/beneficiaries/", views_programmes.programme_beneficiaries,
         name="beneficiaries"),
    path("<int:pk>/programmes/<int:programme_pk>/edit/", views_programmes.programme_edit,
         name="programme_edit"),
    path("disbursements/<int:pk>/consent/", views_programmes.disbursement_consent,
         name="disbursement_consent"),
    path("disbursements/<int:pk>/approve/", views_programmes.disbursement_approve,
         name="disbursement_approve"),
    path("disbursements/<int:pk>/reject/", views_programmes.disbursement_reject, name="disbursement_reject"),
    path("disbursements/<int:pk>/pay/", views_programmes.disbursement_pay, name="disbursement_pay"),
    path("<int:pk>/periods/", views_disclosure.period_list, name="periods"),
    path("<int:pk>/periods/close/", views_disclosure.period_close, name="period_close"),
    path("<int:pk>/periods/<int:period_pk>/publish/", views_disclosure.period_publish, name="period_publish"),
    path("<int:pk>/published/", views_disclosure.published, name="published"),
    path("<int:pk>/periods/<int:period_pk>/statement/", views_disclosure.statement_page, name="statement"),
    path("<int:pk>/periods/<int:period_pk>/statement.pdf", views_disclosure.statement_pdf,
         name="statement_pdf"),
    path("<int:pk>/years/<int:year>/statement/", views_disclosure.statement_page, name="year_statement"),
    path("<int:pk>/years/<int:year>/statement.pdf", views_disclosure.statement_pdf,
         name="year_statement_pdf"),
    path("<int:pk>/honour/", views_disclosure.honour_roll, name="honour"),
    # Public disclosure, without login: published data only (apps.fund.public).
    path("public/", views_public.index, name="public_index"),
    path("public/<int:pk>/", views_public.fund_page, name="public_fund"),
    path("public/<int:pk>/statements/<int:period_pk>/", views_public.statement_page, name="public_statement"),
    path("public/<int:pk>/statements/<int:period_pk>.pdf", views_public.statement_pdf,
         name="public_statement_pdf"),
    path("public/<int:pk>/honour/<int:year>/", views_public.honour_roll, name="public_honour"),
]
