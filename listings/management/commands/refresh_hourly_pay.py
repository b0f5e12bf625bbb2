from django.core.management.base import BaseCommand

from listings.services import listings_refresh_hourly_pay


class Command(BaseCommand):
    help = "Recompute every listing's hourly pay in US dollars (run after changing PAY_EXCHANGE_RATES)."

    def handle(self, *args, **options):
        changed = listings_refresh_hourly_pay()
        self.stdout.write(f"{changed} listings re-ranked for the pay sort.")
