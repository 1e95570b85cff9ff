"""The PagerDuty plugin: spec-generated schemas, hand-written actions, one shared client."""
