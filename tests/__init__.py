"""The test suite; tests/scenes.py and tests/golden.py are the helpers the chapter tests share."""

import pytest

# helpers that assert: pytest rewrites their asserts too, so a failure shows the values
pytest.register_assert_rewrite("tests.scenes", "tests.hostile")
