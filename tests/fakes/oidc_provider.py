"""A real OpenID Connect provider for the tests: ``oidc-provider`` from npm, run with Node.

Not an imitation: the OpenID Certified library itself (pinned in ``tests/fakes/oidc/package.json``
and ``package-lock.json``), configured by ``tests/fakes/oidc/provider.mjs`` with the test users
below, their groups, and clients. It listens on a free port of 127.0.0.1.

Installing: ``npm ci`` into a cache folder named after the lock file's hash
(``$FOLLOWTHROUGH_TEST_CACHE`` or ``~/.cache/followthrough``), once; later runs reuse it. npm asks
the npm registry only for what the lock file names.

    with OidcProvider.start(clients=[...]) as provider:
        provider.issuer                      # http://127.0.0.1:PORT
        provider.register_client([...])      # RFC 7591 dynamic registration
        provider.rotate_keys()               # sign with a new key, keep publishing the old one
        await provider.sign_in(url, "ana")   # a browser's way through the login form
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

HERE = Path(__file__).parent / "oidc"
PACKAGE_FILES = ("package.json", "package-lock.json")
SCRIPT = "provider.mjs"
START_TIMEOUT_SECONDS = 30.0
INSTALL_TIMEOUT_SECONDS = 300.0


@dataclass(frozen=True)
class TestUser:
    """A person the provider knows; ``password`` is what its login form checks."""

    id: str
    email: str | None
    email_verified: bool | None
    name: str
    groups: list[str] = field(default_factory=list)
    password: str = "correct horse battery staple"

    def as_config(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "password": self.password,
            "name": self.name,
            "groups": self.groups,
        }
        if self.email is not None:
            data["email"] = self.email
        if self.email_verified is not None:
            data["email_verified"] = self.email_verified
        return data


#: The test organisation: an admin, a facilitator in a team's facilitator group, a responder, an
#: item owner, a leader, someone whose email is not verified and someone without an email.
USERS: dict[str, TestUser] = {
    u.id: u
    for u in (
        TestUser("ada", "ada@example.com", True, "Ada Admin", ["followthrough-admins"]),
        TestUser("fay", "fay@example.com", True, "Fay Facilitator", ["payments-facilitators"]),
        TestUser("rui", "rui@example.com", True, "Rui Responder", ["engineering"]),
        TestUser("ola", "ola@example.com", True, "Ola Owner", ["engineering"]),
        TestUser("lee", "lee@example.com", True, "Lee Leader", ["leadership"]),
        TestUser("una", "una@example.com", False, "Una Unverified", ["engineering"]),
        TestUser("nem", None, None, "Nem No-Email", []),
    )
}


class ProviderUnavailable(RuntimeError):
    """Node or npm is missing, the install failed, or the provider did not start."""


def cache_root() -> Path:
    configured = os.environ.get("FOLLOWTHROUGH_TEST_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "followthrough"


def install_dir() -> Path:
    """``<cache>/oidc-provider/<lock hash>``: a new lock file means a new, clean install."""
    digest = hashlib.sha256((HERE / "package-lock.json").read_bytes()).hexdigest()[:16]
    return cache_root() / "oidc-provider" / digest


def ensure_installed() -> Path:
    """Install the pinned packages with ``npm ci`` unless the cache already has them."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise ProviderUnavailable("node and npm are needed (apt-get install nodejs npm)")
    target = install_dir()
    marker = target / "node_modules" / "oidc-provider" / "package.json"
    if not marker.exists():
        staging = target.with_name(target.name + f".tmp-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for name in PACKAGE_FILES:
            shutil.copy2(HERE / name, staging / name)
        try:
            subprocess.run(
                [
                    npm,
                    "ci",
                    "--prefer-offline",
                    "--ignore-scripts",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                ],
                cwd=staging,
                check=True,
                capture_output=True,
                timeout=INSTALL_TIMEOUT_SECONDS,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            output = getattr(exc, "stderr", b"") or b""
            raise ProviderUnavailable(f"npm ci failed: {output.decode(errors='replace')}") from exc
        if target.exists():  # another process finished first
            shutil.rmtree(staging, ignore_errors=True)
        else:
            staging.rename(target)
    # The script must sit beside node_modules for `import 'oidc-provider'` to resolve; copying it
    # on every start keeps edits to tests/fakes/oidc/provider.mjs in effect.
    shutil.copy2(HERE / SCRIPT, target / SCRIPT)
    return target


def node_command() -> list[str]:
    """``node``, plus the flag Node 18 (Debian 12's) needs for the Web Crypto global that the
    library's JOSE code uses; Node 19 and later have it by default."""
    node = shutil.which("node") or "node"
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, timeout=30, check=False
    ).stdout.strip()
    major = version.lstrip("v").split(".")[0]
    if major.isdigit() and int(major) < 19:
        return [node, "--experimental-global-webcrypto"]
    return [node]


@dataclass(frozen=True)
class RegisteredClient:
    client_id: str
    client_secret: str
    redirect_uris: list[str]


class OidcProvider:
    """One running provider process; stop it with :meth:`stop` (or use it as a context manager)."""

    def __init__(self, process: subprocess.Popen[bytes], issuer: str, control_token: str) -> None:
        self.process = process
        self.issuer = issuer
        self.control_token = control_token
        self._log: list[str] = []
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()

    @classmethod
    def start(
        cls,
        *,
        clients: list[dict[str, Any]] | None = None,
        users: dict[str, TestUser] | None = None,
        workdir: Path | None = None,
    ) -> OidcProvider:
        folder = ensure_installed()
        control_token = secrets.token_urlsafe(24)
        config = {
            "port": 0,
            "control_token": control_token,
            "users": [u.as_config() for u in (users or USERS).values()],
            "clients": clients or [],
        }
        config_dir = workdir or folder
        config_path = config_dir / f"config-{secrets.token_hex(6)}.json"
        config_path.write_text(json.dumps(config))
        process = subprocess.Popen(
            [*node_command(), SCRIPT, str(config_path)],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None
        line = _read_line(process, START_TIMEOUT_SECONDS)
        config_path.unlink(missing_ok=True)
        if not line:
            process.kill()
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise ProviderUnavailable(f"the OIDC provider did not start:\n{err}")
        issuer = str(json.loads(line)["issuer"])
        return cls(process, issuer, control_token)

    def _read_stderr(self) -> None:
        if self.process.stderr is None:
            return
        for raw in self.process.stderr:
            self._log.append(raw.decode(errors="replace"))
            del self._log[:-200]

    @property
    def log(self) -> str:
        return "".join(self._log)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def __enter__(self) -> OidcProvider:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- test-side control ------------------------------------------------------------------------

    def _control_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.control_token}"}

    def register_client(
        self, redirect_uris: list[str], *, id_token_ttl: int | None = None, **metadata: Any
    ) -> RegisteredClient:
        """Register a confidential client (RFC 7591); ``id_token_ttl`` in seconds, default 3600."""
        body: dict[str, Any] = {
            "redirect_uris": redirect_uris,
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic",
            **metadata,
        }
        if id_token_ttl is not None:
            body["x_id_token_ttl"] = id_token_ttl
        with httpx.Client(trust_env=False, timeout=10) as http:
            response = http.post(f"{self.issuer}/reg", json=body, headers=self._control_headers())
        response.raise_for_status()
        data = response.json()
        return RegisteredClient(data["client_id"], data["client_secret"], redirect_uris)

    def rotate_keys(self) -> str:
        """Sign with a new key from now on (the old one stays in the JWKS); returns its kid."""
        with httpx.Client(trust_env=False, timeout=10) as http:
            response = http.post(
                f"{self.issuer}/__test/rotate-keys", headers=self._control_headers()
            )
        response.raise_for_status()
        return str(response.json()["kid"])

    def jwks(self) -> dict[str, Any]:
        with httpx.Client(trust_env=False, timeout=10) as http:
            data: dict[str, Any] = http.get(f"{self.issuer}/jwks").json()
        return data

    async def sign_in(
        self,
        authorization_url: str,
        user: str,
        password: str | None = None,
        *,
        cancel: bool = False,
        http: httpx.AsyncClient | None = None,
    ) -> str:
        """What a browser does at the provider: follow the authorization URL, fill the login form
        (or press Cancel), follow redirects until one leaves the provider; return that URL (the
        relying party's callback with ``code`` and ``state``, or ``error``)."""
        own = http is None
        client = http or httpx.AsyncClient(trust_env=False, timeout=10)
        try:
            url = authorization_url
            for _ in range(20):
                if not url.startswith(self.issuer):
                    return url
                response = await client.get(url)
                if response.is_redirect:
                    url = urljoin(url, response.headers["location"])
                    continue
                path = urlsplit(url).path
                if not path.startswith("/interaction/"):
                    raise AssertionError(f"unexpected page {url}: {response.status_code}")
                uid = path.split("/")[2]
                if cancel:
                    response = await client.post(f"{self.issuer}/interaction/{uid}/abort")
                else:
                    known = USERS.get(user)
                    response = await client.post(
                        f"{self.issuer}/interaction/{uid}/login",
                        data={
                            "login": user,
                            "password": password
                            if password is not None
                            else (known.password if known else ""),
                        },
                    )
                if not response.is_redirect:
                    raise AssertionError(f"login refused: {response.status_code} {response.text}")
                url = urljoin(url, response.headers["location"])
            raise AssertionError("too many redirects at the provider")
        finally:
            if own:
                await client.aclose()


def callback_params(url: str) -> dict[str, str]:
    """The query of a callback URL as a flat dict."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _read_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    """The first stdout line, or "" if the process exits or stays silent past ``timeout``."""
    found: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        found.append(process.stdout.readline().decode(errors="replace").strip())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while reader.is_alive() and time.monotonic() < deadline:
        reader.join(0.05)
        if process.poll() is not None and not found:
            reader.join(0.5)
            break
    return found[0] if found else ""
