"""Due-diligence reports: HTML and PDF, and regulator-shaped exports."""
