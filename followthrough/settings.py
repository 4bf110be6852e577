"""The one settings object of a Followthrough process: environment variables prefixed
``FOLLOWTHROUGH_``.

It lives with the process entry: the entry reads it and hands each connector only what that
connector needs (see :mod:`followthrough.wiring`); the API reads it for its own knobs. Validated
at start-up; a bad value stops the process with an error naming the variable. Secrets are
``SecretStr`` so they never print in a repr, a log line or an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from connectors.links import LinkSecretMissing, link_secret
from connectors.store.engine import parse_url, sqlite_url

__all__ = ["DEFAULT_TASK_QUEUE", "Settings", "SettingsError", "load_settings"]

DEFAULT_TASK_QUEUE = "followthrough"


class Settings(BaseSettings):
    """Every knob of a Followthrough process. Unset integrations fall back to local defaults."""

    model_config = SettingsConfigDict(
        env_prefix="FOLLOWTHROUGH_", extra="ignore", env_ignore_empty=True
    )

    temporal_address: str = Field(
        default="127.0.0.1:7233", description="Temporal frontend host:port."
    )
    temporal_namespace: str = Field(default="default", description="Temporal namespace.")
    temporal_api_key: SecretStr | None = Field(default=None, description="Temporal Cloud API key.")
    temporal_tls: bool = Field(default=False, description="Use TLS to reach Temporal.")
    task_queue: str = Field(default=DEFAULT_TASK_QUEUE, description="Task queue of the worker.")
    max_cached_workflows: int = Field(
        default=1000,
        ge=0,
        description="Reviews kept in worker memory (~400 KB each); evicted ones replay on their "
        "next event. Default 1000, the SDK's.",
    )

    http_host: str = Field(default="127.0.0.1", description="API bind address.")
    http_port: int = Field(default=8080, ge=0, le=65535, description="API port.")
    worker_metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Port (on HTTP_HOST) where `followthrough worker` serves its Prometheus "
        "/metrics (workflow-task failures by workflow type); unset: none. `dev` needs none: its "
        "API's /metrics has them.",
    )
    public_url: str | None = Field(
        default=None, description="Base URL people open; default http://HOST:PORT."
    )
    api_token: SecretStr | None = Field(default=None, description="Bearer token for the API.")
    session_secret: SecretStr | None = Field(
        default=None, description="Signs web sessions and review links; default from api_token."
    )
    policy_file: Path | None = Field(default=None, description="Path of followthrough.toml.")
    data_dir: Path = Field(default=Path(".followthrough"), description="Local data folder.")
    dev_mode: bool = Field(default=False, description="Set by `followthrough dev`.")
    database_url: SecretStr | None = Field(
        default=None,
        description="The review store: postgresql+psycopg://user:pass@host/db or sqlite:///path. "
        "Default: a SQLite file in the data folder (DATA_DIR/store.sqlite3).",
    )

    # Sign-in (issue 12): OpenID Connect when the issuer and client id are set; otherwise the
    # API token on the sign-in page (and, in `followthrough dev`, picking whom to act as).
    oidc_issuer: str | None = Field(
        default=None, description="OpenID Connect issuer URL, exactly as its discovery says."
    )
    oidc_client_id: str | None = Field(default=None, description="OIDC client id.")
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="OIDC client secret; none for a public client (PKCE only)."
    )
    oidc_scopes: str = Field(default="openid email profile", description="Scopes to ask for.")
    oidc_groups_claim: str = Field(
        default="groups", description="ID-token claim that lists the person's groups."
    )
    admins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated emails with the admin role."
    )
    admin_groups: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated groups whose members are admins."
    )
    api_tokens: str | None = Field(
        default=None,
        description="Named, scoped API tokens as name:scope:sha256:<hex>, comma-separated "
        "(`followthrough token new`); hashes only.",
    )
    session_idle_seconds: int = Field(
        default=8 * 3600, ge=60, description="A web session ends after this long unused (8 h)."
    )
    session_absolute_seconds: int = Field(
        default=24 * 3600, ge=60, description="A web session ends this long after sign-in (24 h)."
    )

    pagerduty_api_token: SecretStr | None = None
    pagerduty_api_url: str = Field(
        default="https://api.pagerduty.com", description="PagerDuty REST base URL (https only)."
    )
    pagerduty_ca_file: Path | None = Field(
        default=None, description="Extra CA bundle for the PagerDuty API (tests, proxies)."
    )
    pagerduty_webhook_secrets: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, description="Comma-separated webhook signing secrets."
    )

    jira_url: str | None = None
    jira_email: str | None = None
    jira_api_token: SecretStr | None = None
    jira_project: str | None = None
    jira_issue_type: str = Field(default="Task", description="Issue type for action items.")
    jira_webhook_secret: SecretStr | None = None
    jira_timeout: float = Field(default=20.0, gt=0, description="Seconds per Jira HTTP call.")

    confluence_url: str | None = Field(
        default=None,
        description="Confluence Cloud site, https://<site>.atlassian.net/wiki. With the email, API "
        "token and space set, review documents are Confluence pages; unset, Markdown files.",
    )
    confluence_email: str | None = Field(default=None, description="Atlassian account email.")
    confluence_api_token: SecretStr | None = Field(
        default=None, description="API token of that account (never logged or stored)."
    )
    confluence_space: str | None = Field(default=None, description="Space key, e.g. PM.")
    confluence_parent_page_id: str | None = Field(
        default=None,
        pattern=r"^[0-9]{1,20}$",
        description="Page the review pages go under; default the space's home page.",
    )
    confluence_timeout: float = Field(default=20.0, gt=0, description="Seconds per HTTP call.")
    confluence_ca_file: Path | None = Field(
        default=None, description="Extra CA bundle for Confluence (tests, proxies)."
    )

    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = Field(default=True, description="STARTTLS on a plain connection.")
    smtp_ssl: bool = Field(default=False, description="Implicit TLS (port 465).")
    smtp_timeout: float = Field(default=20.0, gt=0)
    mail_from: str = Field(default="followthrough@localhost", description="From address.")

    @field_validator("pagerduty_webhook_secrets", "admins", "admin_groups", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: SecretStr | None) -> SecretStr | None:
        # Checked at start-up, so a wrong URL stops the process before anything runs; the
        # message names the problem, never the URL (it may carry a password).
        if value is not None:
            parse_url(value.get_secret_value())
        return value

    @property
    def store_url(self) -> str:
        """The review store's URL (a secret when it carries a password: never log it)."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return sqlite_url(self.data_dir)

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.http_host}:{self.http_port}").rstrip("/")

    @property
    def jira_configured(self) -> bool:
        return bool(self.jira_url and self.jira_email and self.jira_api_token and self.jira_project)

    @model_validator(mode="after")
    def _confluence_complete(self) -> Settings:
        """Half a Confluence configuration is a mistake, not a reason to fall back silently."""
        given = {
            "CONFLUENCE_URL": self.confluence_url,
            "CONFLUENCE_EMAIL": self.confluence_email,
            "CONFLUENCE_API_TOKEN": self.confluence_api_token,
            "CONFLUENCE_SPACE": self.confluence_space,
        }
        missing = [f"FOLLOWTHROUGH_{name}" for name, value in given.items() if not value]
        if missing and len(missing) < len(given):
            raise ValueError(f"Confluence is half configured: set {', '.join(missing)} as well")
        return self

    @property
    def confluence_configured(self) -> bool:
        return bool(
            self.confluence_url
            and self.confluence_email
            and self.confluence_api_token
            and self.confluence_space
        )

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "reviews"

    @property
    def tracker_file(self) -> Path:
        return self.data_dir / "tracker.json"

    @property
    def signing_key(self) -> str | None:
        """The key that signs web sessions, CSRF tokens and review links (see
        :func:`connectors.links.link_secret`); None when neither secret is configured."""
        session = self.session_secret.get_secret_value() if self.session_secret else None
        token = self.api_token.get_secret_value() if self.api_token else None
        try:
            return link_secret(session, token)
        except LinkSecretMissing:
            return None

    @property
    def oidc_configured(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


class SettingsError(ValueError):
    """Settings that cannot be used; the message names each bad variable, never its value."""


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, raising :class:`SettingsError` naming bad variables."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"FOLLOWTHROUGH_{str(err['loc'][0]).upper()}: {err['msg']}"
            if err["loc"]
            else str(err["msg"]).removeprefix("Value error, ")
            for err in exc.errors()
        )
        # from None: pydantic's own text repeats the input values, secrets included
        raise SettingsError(problems) from None
