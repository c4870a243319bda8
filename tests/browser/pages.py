"""What every browser test does the same way: a fresh French page, logging in."""

from __future__ import annotations

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
