"""What every browser test does the same way: a fresh French page, logging in."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from milieu.factories import DEMO_PASSWORD


def new_page(browser: Browser) -> Page:
    """A page in a context of its own (no cookies shared with the other parties)."""
    page = browser.new_context(locale="fr-FR", accept_downloads=True).new_page()
    page.set_default_timeout(20_000)
    return page


def log_in(browser: Browser, live_server: LiveServer, email: str) -> Page:
    """Log in through the login page with the demo password; returns the dashboard's page."""
    page = new_page(browser)
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/tableau-de-bord/")
    return page


# what sticks out of the screen, to say why the page is wider than it (a table's cells scroll
# inside its DSFR container and are not counted)
WIDER_THAN_SCREEN = """
[...document.querySelectorAll("body *")]
  .filter(el => !el.closest(".fr-table__container") || el.matches(".fr-sr-only"))
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(el => el.tagName.toLowerCase() + "." + [...el.classList].join(".") + "@" + Math.round(el.getBoundingClientRect().right))
  .slice(0, 10)
"""
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def dashboard_screenshots(page: Page, base_url: str, name: str) -> list[Path]:
    """The dashboard at 375 and 1280 px, kept under ``var/screenshots/`` as test artefacts
    (issue 13 §19): nothing wider than the screen, a table that is too wide scrolls inside its
    DSFR wrapper instead of widening the page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    kept = []
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base_url}/tableau-de-bord/")
        path = SCREENSHOTS / f"tableau-de-bord-{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        kept.append(path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, (width, scroll_width, page.evaluate(WIDER_THAN_SCREEN))
        for table in page.locator("main .fr-table").all():
            box = table.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    page.set_viewport_size({"width": 1280, "height": 900})
    return kept
