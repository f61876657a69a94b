"""Service levels: business-hours calendars, the case history, SLA clocks."""
