"""Pay in many currencies, compared in one.

The "Highest pay" sort ranks each listing's pay per hour converted to US dollars at approximate
reference rates. They are good enough to order 25 EUR/hour above 500 INR/hour, not for paying
anyone. ``settings.PAY_EXCHANGE_RATES`` (code: US dollars per unit) overrides or adds rates. After
changing rates, run ``manage.py refresh_hourly_pay`` to re-rank existing listings. A currency
with no rate is refused by the listing form.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

REFERENCE = "USD"

# US dollars per unit of each currency: approximate mid-market rates, November 2026.
USD_PER_UNIT = {
    "USD": "1",
    "EUR": "1.08",
    "GBP": "1.27",
    "CHF": "1.13",
    "CAD": "0.73",
    "AUD": "0.66",
    "NZD": "0.60",
    "JPY": "0.0067",
    "CNY": "0.14",
    "HKD": "0.128",
    "SGD": "0.74",
    "KRW": "0.00073",
    "INR": "0.012",
    "PKR": "0.0036",
    "BDT": "0.0083",
    "IDR": "0.000063",
    "MYR": "0.22",
    "PHP": "0.017",
    "THB": "0.029",
    "VND": "0.000039",
    "AED": "0.272",
    "ILS": "0.27",
    "TRY": "0.029",
    "SEK": "0.095",
    "NOK": "0.093",
    "DKK": "0.145",
    "PLN": "0.25",
    "CZK": "0.043",
    "HUF": "0.0027",
    "RON": "0.22",
    "BRL": "0.18",
    "MXN": "0.055",
    "ARS": "0.001",
    "CLP": "0.00105",
    "COP": "0.00025",
    "ZAR": "0.054",
    "NGN": "0.00065",
    "KES": "0.0077",
    "GHS": "0.065",
    "EGP": "0.02",
    "MAD": "0.1",
}


def rate(currency: str) -> Decimal | None:
    """US dollars per unit of ``currency``, or None when it has no rate."""
    code = (currency or "").upper()
    value = getattr(settings, "PAY_EXCHANGE_RATES", {}).get(code, USD_PER_UNIT.get(code))
    return None if value is None else Decimal(str(value))


def supported() -> list[str]:
    return sorted({*USD_PER_UNIT, *getattr(settings, "PAY_EXCHANGE_RATES", {})})


def to_reference(amount: Decimal, currency: str) -> Decimal | None:
    """``amount`` in US dollars, or None when the currency has no rate."""
    per_unit = rate(currency)
    if per_unit is None:
        return None
    return (amount * per_unit).quantize(Decimal("0.01"))
