"""A staff sign-in with a second factor, in a real browser: the password, binding an authenticator app (the test
computes its codes from the key the page shows, as the app would), the recovery codes, then a later sign-in where
the used code is refused and a recovery code serves; and the idle-timeout warning a minute before the session ends."""

from base64 import b32decode

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shangliang.core import audit
from shangliang.core.models import AuditRecord
from tests.browser.conftest import login


def code_for(secret: str, *, drift: int = 0) -> str:
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=0, digits=6, drift=drift):06d}"


def on_the_units_pages(url: str) -> bool:
    return "/units/" in url and "/security/" not in url


def test_staff_bind_an_authenticator_and_sign_in_with_it(page, live_server, world, settings):
    settings.SECURITY_ENFORCE_SECOND_FACTOR = True
    login(page, live_server, "staff")
    # Nothing opens before the second factor: the staff member is sent to bind an authenticator app.
    page.goto(f"{live_server.url}/units/")
    page.wait_for_url("**/security/enrol/**")
    assert page.locator("figure.qr svg").is_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.fill("input[name=token]", code_for(secret))
    page.click("#enrol-form button[type=submit]")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(on_the_units_pages)
    assert page.locator("h1").inner_text().startswith("甲县")
    assert TOTPDevice.objects.get(user=world.users["staff"]).confirmed

    # Signing out and in again asks for a code; the one just used is refused (no replay); a recovery code opens
    # (the authenticator, after a failure, makes the person wait a moment before the next try).
    page.get_by_role("button", name="退出").click()
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/units/")
    page.wait_for_url("**/security/verify/**")
    page.fill("input[name=token]", code_for(secret))
    page.click("#verify-form button[type=submit]")
    assert "已使用过" in page.locator(".errorlist").inner_text()
    page.select_option("select[name=method]", "recovery")
    page.fill("input[name=token]", codes[0])
    page.click("#verify-form button[type=submit]")
    page.wait_for_url(on_the_units_pages)
    assert "还剩 9 个" in page.locator(".messages").inner_text()
    assert page.locator("h1").inner_text().startswith("甲县")
    done = AuditRecord.objects.filter(actor_id=world.users["staff"].pk).values_list("action", "outcome")
    assert (audit.SECOND_FACTOR_FAILED, "failure") in done and (audit.SECOND_FACTOR_CHANGED, "success") in done


def test_the_idle_warning_lets_a_person_stay_signed_in(page, live_server, world):
    page.clock.install()
    login(page, live_server, "resident")
    page.goto(f"{live_server.url}/")
    warning = page.locator("#idle-warning")
    assert warning.is_hidden()
    page.clock.fast_forward("29:01")  # the default idle timeout is 30 minutes: warned a minute before
    assert warning.is_visible()
    assert "1 分钟后将自动退出登录" in warning.inner_text()
    with page.expect_response("**/security/keepalive/") as kept:
        page.get_by_role("button", name="继续使用").click()
    assert kept.value.status == 204
    assert warning.is_hidden()
