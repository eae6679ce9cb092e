"""Customer evidence: customers, feedback notes, insights, ideas and the ideas portal; sentiment,
semantic suggestions and themes computed offline."""
