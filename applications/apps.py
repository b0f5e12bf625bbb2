from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self):
        from accounts.signals import account_anonymising
        from listings.signals import listings_ended

        from .services import applications_anonymise_on_account_deleted, applications_close_on_listings_ended

        # A listing that closes or expires closes its open applications, in its transaction.
        listings_ended.connect(applications_close_on_listings_ended, dispatch_uid="applications.close_on_listing_end")
        # A deleted account's cover letters, answers and résumé snapshots go with it.
        account_anonymising.connect(
            applications_anonymise_on_account_deleted, dispatch_uid="applications.anonymise_on_account_delete"
        )
