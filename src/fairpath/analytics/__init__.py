"""The bulk (columnar) rule engine over millions of payslips; agrees exactly with domain/rules."""
