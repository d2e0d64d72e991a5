def go(page, label: str) -> None:
    """Follow a navigation entry by its label, opening its menu first when it sits in one."""
    link = page.locator(".app-navbar a:not(.dropdown-toggle)", has_text=label).first
    if not link.is_visible():
        page.locator(".app-navbar li.dropdown", has_text=label).locator(".dropdown-toggle").click()
    link.click()
