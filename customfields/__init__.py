"""Custom fields per product or workspace for items and initiatives: definitions, validated values,
indexed filtering."""
