"""Money: an exact decimal amount with its ISO 4217 currency, and rounding to minor units.

Never float. Rounding is half-even to the currency's minor unit, applied once at the end of a
computation (spec/rules.md, "Common definitions").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

# ISO 4217 minor units that differ from 2 (ISO 4217 list one, "Minor unit" column).
_MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    "CLF": 4,
    "UYW": 4,
}


def minor_units(currency: str) -> int:
    """Digits after the decimal point for `currency` (ISO 4217)."""
    return _MINOR_UNITS.get(currency, 2)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round `amount` half-even to the minor unit of `currency`."""
    exponent = Decimal(1).scaleb(-minor_units(currency))
    return amount.quantize(exponent, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency."""

    amount: Decimal
    currency: str

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def rounded(self) -> Money:
        """This amount rounded half-even to the currency's minor unit."""
        return Money(quantize(self.amount, self.currency), self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(
                f"cannot combine {self.currency} and {other.currency} without an exchange rate"
            )

    def __str__(self) -> str:
        return f"{self.rounded().amount:,} {self.currency}"

    @classmethod
    def zero(cls, currency: str) -> Money:
        """No money, in `currency`."""
        return cls(Decimal(0), currency)
