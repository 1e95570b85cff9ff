"""icon_hello: the test plugin of actionkit's runtime (lives under unit_test, never shipped)."""
