"""Reports: documents built from the store by rules, rendered as HTML, PDF and Word."""
