"""The Sessions list names a device's browser, system and device from its User-Agent header."""
import pytest

from core.sessions import describe_agent

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.4 Mobile/15E148 Safari/604.1")
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PIXEL = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
         "Mobile Safari/537.36")


@pytest.mark.parametrize(("agent", "browser", "system", "device"), [
    (IPHONE, "Mobile Safari 17", "iOS 17.4", "Apple iPhone"),
    (WINDOWS_FIREFOX, "Firefox 133", "Windows 10", "Desktop"),
    (PIXEL, "Chrome Mobile 131", "Android 14", "Google Pixel 8"),
])
def test_real_browsers_are_named_in_words(agent, browser, system, device):
    assert describe_agent(agent) == {"browser": browser, "system": system, "device": device}


@pytest.mark.parametrize("agent", [None, "", "bench_load", "<script>alert(1)</script>", "x" * 5000])
def test_what_cannot_be_read_is_said_plainly(agent):
    assert describe_agent(agent) == {"browser": "Unknown browser", "system": "unknown system",
                                     "device": "Unknown device"}
