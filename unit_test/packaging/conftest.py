"""The packaging tests: the wheel, installed the way the Dockerfile installs it."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: builds a wheel and a virtual environment (10-20 s); runs by default"
    )
