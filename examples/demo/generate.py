#!/usr/bin/env python3
"""Generate the bundled demo workspace: provider recordings, routes.json and identities.toml.

The recordings are fictional responses in the shapes that GitHub, Slack and Jira Cloud
return. They are generated rather than written by hand so that ids, timestamps, user
objects and cross-references (a Jira key in a pull-request title, a Slack thread and
its replies) stay consistent. Run it from any directory; it rewrites the files next to it:

    python3 examples/demo/generate.py

The planted blockers and near-misses are listed in README.md, which the integration
test uses as its oracle. Keep the two in step when you change the story below.
"""

import base64
import datetime as dt
import hashlib
import json
import pathlib
import uuid

DEMO_DIR = pathlib.Path(__file__).resolve().parent
UTC = dt.timezone.utc

# `{{base}}` is replaced by the sandbox with its own base URL when it serves a file.
GITHUB_API = "{{base}}/github"
GITHUB_WEB = "https://github.example"
GITHUB_AVATARS = "https://avatars.githubusercontent.example"
JIRA_SITE = "https://acme-payments.atlassian.example"
JIRA_AVATARS = "https://avatar-management.atlassian.example"
SLACK_AVATARS = "https://avatars.slack-edge.example"

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def at(text):
    """Parse a `YYYY-MM-DDTHH:MM[:SS]` UTC timestamp."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def github_time(text):
    return at(text).strftime("%Y-%m-%dT%H:%M:%SZ")


def jira_time(text):
    """Jira platform format: milliseconds and an offset without a colon."""
    return at(text).strftime("%Y-%m-%dT%H:%M:%S") + ".000+0000"


def agile_time(text):
    """Jira Agile format, with a colon in the offset. The demo site uses Central European Time."""
    local = at(text).astimezone(dt.timezone(dt.timedelta(hours=1)))
    return local.strftime("%Y-%m-%dT%H:%M:%S.000+01:00")


def slack_ts(text, sequence):
    return f"{int(at(text).timestamp())}.{sequence:06d}"


def digest(*parts):
    return hashlib.sha1("/".join(str(p) for p in parts).encode()).hexdigest()


def node_id(kind, number):
    return base64.b64encode(f"0{len(kind)}:{kind}{number}".encode()).decode()


def fixed_uuid(*parts):
    return str(uuid.UUID(digest(*parts)[:32]))


def write_json(relative, value):
    path = DEMO_DIR / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    return relative


# ---------------------------------------------------------------------------------------
# People. The third item of `github` is the public profile e-mail, and the third item of
# `jira` is None when the Jira privacy setting hides the address.

PEOPLE = [
    dict(id="dana", name="Dana Whitfield", role="team lead", email="dana@acme.example",
         github=("dwhitfield", 583231, "dana@acme.example"), commit_email="dana@acme.example",
         slack=("U0DANA01", "dana", "Dana Whitfield", "Dana", " Dana@Acme.example"),
         jira=("5b10a2844c20165700ede21f", "Dana Whitfield", None), tz="Europe/London"),
    dict(id="morgan", name="Morgan Okafor", role="engineering manager",
         email="morgan.okafor@acme.example", github=None, commit_email=None,
         slack=("U0MORG02", "morgan.okafor", "Morgan Okafor", "Morgan",
                "Morgan.Okafor@ACME.example "),
         jira=("5c4e2f0a9d8b7c6a5e4f3a21", "Morgan Okafor", "morgan.okafor@acme.example"),
         tz="Europe/London"),
    dict(id="lee", name="Lee Min-jun", role="engineer", email="minjun.lee@acme.example",
         github=("minjun-lee", 6120384, "MinJun.Lee@acme.example"), commit_email="minjun.lee@acme.example",
         slack=("U0LEEM03", "minjun", "Lee Min-jun", "Min-jun", "MinJun.Lee@acme.example"),
         jira=("6a1f3c5e7b9d2f4a6c8e0b13", "Lee Min-jun", None), tz="Asia/Seoul"),
    dict(id="priya", name="Priya Raghunathan", role="engineer",
         email="priya.raghunathan@acme.example",
         github=("priya-r", 7302215, "priya.raghunathan@acme.example"),
         commit_email="7302215+priya-r@users.noreply.github.com",
         slack=("U0PRIY04", "priya", "Priya Raghunathan", "Priya",
                "  priya.raghunathan@Acme.Example"),
         jira=("6b2e4d6f8a0c1e3b5d7f9a24", "Priya Raghunathan", "priya.raghunathan@acme.example"),
         tz="Asia/Kolkata"),
    dict(id="tomas", name="Tomás Herrera", role="engineer", email="tomas.herrera@acme.example",
         github=("therrera", 5528810, "Tomas.Herrera@acme.example"),
         commit_email="tomas.herrera@acme.example",
         slack=("U0TOMS05", "tomas", "Tomás Herrera", "Tomás", "Tomas.Herrera@acme.example "),
         jira=("6c3f5e7a9b1d2c4e6f8a0b35", "Tomás Herrera", None), tz="Europe/Madrid"),
    dict(id="seun", name="Oluwaseun Adeyemi", role="engineer",
         email="oluwaseun.adeyemi@acme.example",
         github=("sadeyemi", 8843120, None), commit_email="oluwaseun.adeyemi@acme.example",
         slack=("U0SEUN06", "seun", "Oluwaseun Adeyemi", "Seun",
                "Oluwaseun.Adeyemi@ACME.EXAMPLE"),
         jira=("712020:4d7c1e9a-2b3f-4c5d-8e6f-a1b2c3d4e5f6", "O. Adeyemi", None),
         tz="Africa/Lagos", github_name="Seun Adeyemi"),
    dict(id="ingrid", name="Ingrid Solberg", role="engineer", email="ingrid.solberg@acme.example",
         github=("isolberg", 3390057, "ingrid.solberg@acme.example"),
         commit_email="ingrid.solberg@acme.example",
         slack=("U0INGR07", "ingrid", "Ingrid Solberg", "Ingrid", " ingrid.solberg@acme.example "),
         jira=("6d4a6f8b0c2e3d5f7a9b1c46", "Ingrid Solberg", None), tz="Europe/Oslo"),
    dict(id="yusuf", name="Yusuf Demir", role="engineer", email="yusuf.demir@acme.example",
         github=("ydemir", 9127734, None),
         commit_email="9127734+ydemir@users.noreply.github.com",
         slack=("U0YUSF08", "yusuf", "Yusuf Demir", "Yusuf", "Yusuf.Demir@acme.example"),
         jira=("6e5b7a9c1d3f4e6a8b0c2d57", "Yusuf Demir", None), tz="Europe/Istanbul"),
]
BY_ID = {p["id"]: p for p in PEOPLE}

GITHUB_BOT = ("acme-deps[bot]", 149001234)
GITHUB_BOT_EMAIL = "149001234+acme-deps[bot]@users.noreply.github.com"
JIRA_BOT = ("557058:0c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f", "Automation for Jira")


# ---------------------------------------------------------------------------------------
# GitHub

def github_user_simple(login, user_id, kind="User"):
    api = f"{GITHUB_API}/users/{login}"
    return {
        "login": login,
        "id": user_id,
        "node_id": node_id("User" if kind == "User" else "Bot", user_id),
        "avatar_url": f"{GITHUB_AVATARS}/u/{user_id}?v=4",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{GITHUB_WEB}/{login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": kind,
        "user_view_type": "public",
        "site_admin": False,
    }


def gh(person_id):
    login, user_id, _ = BY_ID[person_id]["github"]
    return github_user_simple(login, user_id)


def gh_bot():
    return github_user_simple(GITHUB_BOT[0], GITHUB_BOT[1], kind="Bot")


def github_user_full(person):
    login, user_id, public_email = person["github"]
    user = github_user_simple(login, user_id)
    user.update({
        "name": person.get("github_name", person["name"]),
        "company": "@acme",
        "blog": "",
        "location": None,
        "email": public_email,
        "hireable": None,
        "bio": None,
        "twitter_username": None,
        "public_repos": 4,
        "public_gists": 0,
        "followers": 12,
        "following": 9,
        "created_at": github_time("2019-03-04T10:00"),
        "updated_at": github_time("2026-10-30T08:15"),
    })
    return user


def github_bot_full():
    user = gh_bot()
    user.update({
        "name": None, "company": None, "blog": "", "location": None, "email": None,
        "hireable": None, "bio": None, "twitter_username": None, "public_repos": 0,
        "public_gists": 0, "followers": 0, "following": 0,
        "created_at": github_time("2024-02-12T09:30"),
        "updated_at": github_time("2024-02-12T09:30"),
    })
    return user


ORG = ("acme", 90210001)
REPOS = {
    "payments-api": dict(id=700100201, description="Payments, refunds and payouts API",
                         language="Rust"),
    "checkout-web": dict(id=700100202, description="Hosted checkout pages",
                         language="TypeScript"),
}


def repository(name):
    info = REPOS[name]
    full = f"{ORG[0]}/{name}"
    api = f"{GITHUB_API}/repos/{full}"
    owner = github_user_simple(ORG[0], ORG[1], kind="Organization")
    repo = {
        "id": info["id"], "node_id": node_id("Repository", info["id"]), "name": name,
        "full_name": full, "private": True, "owner": owner,
        "html_url": f"{GITHUB_WEB}/{full}", "description": info["description"], "fork": False,
        "url": api,
    }
    for key, suffix in [
        ("forks_url", "/forks"), ("keys_url", "/keys{/key_id}"),
        ("collaborators_url", "/collaborators{/collaborator}"), ("teams_url", "/teams"),
        ("hooks_url", "/hooks"), ("issue_events_url", "/issues/events{/number}"),
        ("events_url", "/events"), ("assignees_url", "/assignees{/user}"),
        ("branches_url", "/branches{/branch}"), ("tags_url", "/tags"),
        ("blobs_url", "/git/blobs{/sha}"), ("git_tags_url", "/git/tags{/sha}"),
        ("git_refs_url", "/git/refs{/sha}"), ("trees_url", "/git/trees{/sha}"),
        ("statuses_url", "/statuses/{sha}"), ("languages_url", "/languages"),
        ("stargazers_url", "/stargazers"), ("contributors_url", "/contributors"),
        ("subscribers_url", "/subscribers"), ("subscription_url", "/subscription"),
        ("commits_url", "/commits{/sha}"), ("git_commits_url", "/git/commits{/sha}"),
        ("comments_url", "/comments{/number}"), ("issue_comment_url", "/issues/comments{/number}"),
        ("contents_url", "/contents/{+path}"), ("compare_url", "/compare/{base}...{head}"),
        ("merges_url", "/merges"), ("archive_url", "/{archive_format}{/ref}"),
        ("downloads_url", "/downloads"), ("issues_url", "/issues{/number}"),
        ("pulls_url", "/pulls{/number}"), ("milestones_url", "/milestones{/number}"),
        ("notifications_url", "/notifications{?since,all,participating}"),
        ("labels_url", "/labels{/name}"), ("releases_url", "/releases{/id}"),
        ("deployments_url", "/deployments"),
    ]:
        repo[key] = api + suffix
    repo.update({
        "created_at": github_time("2021-06-01T12:00"),
        "updated_at": github_time("2026-11-25T18:00"),
        "pushed_at": github_time("2026-11-25T18:20"),
        "git_url": f"git://github.example/{full}.git",
        "ssh_url": f"git@github.example:{full}.git",
        "clone_url": f"{GITHUB_WEB}/{full}.git",
        "svn_url": f"{GITHUB_WEB}/{full}",
        "homepage": None, "size": 18452, "stargazers_count": 0, "watchers_count": 0,
        "language": info["language"], "has_issues": True, "has_projects": False,
        "has_downloads": True, "has_wiki": False, "has_pages": False, "has_discussions": False,
        "forks_count": 0, "mirror_url": None, "archived": False, "disabled": False,
        "open_issues_count": 4, "license": None, "allow_forking": False, "is_template": False,
        "web_commit_signoff_required": False, "topics": [], "visibility": "private",
        "forks": 0, "open_issues": 4, "watchers": 0, "default_branch": "main",
    })
    return repo


# Each pull request is a dict. Its `reviews` are (reviewer, state, submitted, body).
# Its `commits` are (author, when, message). The author None is a commit GitHub could not
# link (sent with `author: null`), and "~person" is that person's commit which GitHub did
# not link either but sends with `author: {}`. Its `comments` are (author, when, path,
# line, body, index of the comment it replies to).
PULLS = [
    dict(repo="payments-api", number=218, author="ingrid", draft=True, state="open",
         title="PAY-148: Idempotency keys for refund requests", branch="pay-148-refund-idempotency",
         created="2026-11-23T10:00", updated="2026-11-25T17:00",
         body="Work in progress. Needs the ledger migration from PAY-152 before it can land.",
         requested=[], reviews=[], labels=["refunds"],
         commits=[("ingrid", "2026-11-23T09:40", "Add idempotency key column to refund requests"),
                  ("ingrid", "2026-11-25T16:55", "Return the stored response on a repeated key")],
         comments=[]),
    dict(repo="payments-api", number=217, author="yusuf", draft=False, state="open",
         title="PAY-142: Partial captures in the capture API", branch="pay-142-partial-capture",
         created="2026-11-25T13:30", updated="2026-11-25T17:30",
         body="Allows capturing less than the authorised amount, once or several times.",
         requested=["tomas", "priya"], reviews=[], labels=["captures"],
         commits=[("yusuf", "2026-11-25T13:10", "Accept an amount on POST /v2/captures"),
                  # Pushed from a machine whose commits GitHub did not link to an account.
                  ("~yusuf", "2026-11-25T17:25", "Reject captures above the remaining authorisation")],
         comments=[]),
    dict(repo="payments-api", number=216, author="priya", draft=False, state="open",
         title="PAY-152: Ledger schema migration for refund idempotency",
         branch="pay-152-ledger-migration",
         # Priya re-requested the reviews at 18:25, after asking in #payments-team.
         created="2026-11-24T15:20", updated="2026-11-25T18:25",
         body="Adds `refund_idempotency_keys` and backfills it in batches of 10k rows.",
         requested=["lee", "tomas"], reviews=[], labels=["database"],
         commits=[("priya", "2026-11-24T14:55", "Add refund_idempotency_keys table"),
                  ("priya", "2026-11-24T15:15", "Backfill idempotency keys in batches")],
         comments=[]),
    dict(repo="payments-api", number=215, author="lee", draft=False, state="open",
         title="PAY-135: Enforce a 10 MB limit on dispute evidence uploads",
         branch="pay-135-evidence-limit",
         created="2026-11-24T10:00", updated="2026-11-25T16:05",
         body="Rejects larger uploads with 413 before they reach object storage.",
         requested=[], labels=["disputes"],
         reviews=[("priya", "CHANGES_REQUESTED", "2026-11-24T12:10",
                   "The limit should come from configuration, see inline."),
                  # GitHub files a reply to a review comment as a COMMENTED review.
                  ("lee", "COMMENTED", "2026-11-25T14:22", ""),
                  ("tomas", "APPROVED", "2026-11-25T16:00", "")],
         commits=[("lee", "2026-11-24T09:45", "Limit dispute evidence uploads to 10 MB"),
                  ("lee", "2026-11-25T14:20", "Read the upload limit from configuration")],
         comments=[("priya", "2026-11-24T12:08", "src/disputes/evidence.rs", 42,
                    "Could this limit come from `DisputeConfig` instead of a constant?", None),
                   ("lee", "2026-11-25T14:22", "src/disputes/evidence.rs", 42,
                    "Done, it now reads `max_evidence_bytes`.", 0)]),
    dict(repo="payments-api", number=214, author="bot", draft=False, state="closed",
         title="Bump tokio from 1.47.1 to 1.48.0", branch="deps/cargo/tokio-1.48.0",
         created="2026-11-24T06:00", updated="2026-11-25T11:00", closed="2026-11-25T11:00",
         merged="2026-11-25T11:00",
         body="Bumps tokio from 1.47.1 to 1.48.0.", requested=[], labels=["dependencies"],
         reviews=[("ingrid", "APPROVED", "2026-11-25T10:55", "")],
         commits=[("bot", "2026-11-24T05:59", "Bump tokio from 1.47.1 to 1.48.0")],
         comments=[]),
    dict(repo="payments-api", number=213, author="priya", draft=False, state="closed",
         title="PAY-140: Per-merchant fraud score thresholds", branch="pay-140-fraud-thresholds",
         created="2026-11-24T09:30", updated="2026-11-25T13:50", closed="2026-11-25T13:50",
         merged="2026-11-25T13:50",
         body="Merchants can now override the platform fraud threshold.", requested=[],
         labels=["fraud"],
         reviews=[("dana", "COMMENTED", "2026-11-24T13:05", "A question on the default."),
                  ("priya", "COMMENTED", "2026-11-25T10:42", ""),
                  ("dana", "APPROVED", "2026-11-25T11:30", "Looks good, thanks!")],
         commits=[("priya", "2026-11-24T09:20", "Store a fraud threshold per merchant"),
                  ("priya", "2026-11-25T10:40", "Fall back to the platform threshold")],
         comments=[("dana", "2026-11-24T13:04", "src/fraud/threshold.rs", 17,
                    "What happens when a merchant has no override?", None),
                   ("priya", "2026-11-25T10:42", "src/fraud/threshold.rs", 17,
                    "It falls back to the platform default now, with a test.", 0)]),
    dict(repo="payments-api", number=212, author="lee", draft=False, state="closed",
         title="PAY-134: Rotate the settlement SFTP key", branch="pay-134-sftp-key",
         created="2026-11-24T16:00", updated="2026-11-25T11:15", closed="2026-11-25T11:15",
         merged="2026-11-25T11:15",
         body="Switches to the new ed25519 key; the old key is revoked on Friday.", requested=[],
         labels=["settlement"],
         reviews=[("yusuf", "APPROVED", "2026-11-25T09:50", "")],
         commits=[("lee", "2026-11-24T15:50", "Use the new settlement SFTP key")],
         comments=[]),
    dict(repo="payments-api", number=211, author="tomas", draft=False, state="open",
         title="PAY-139: Move the payout scheduler onto the job queue",
         branch="pay-139-payout-queue",
         created="2026-11-19T10:00", updated="2026-11-20T10:30",
         body="First step: payouts are enqueued instead of run by cron.", requested=[],
         labels=["payouts"],
         reviews=[("yusuf", "COMMENTED", "2026-11-19T15:00",
                   "Left a note on retries; happy to pair on it.")],
         commits=[("tomas", "2026-11-19T09:45", "Enqueue payouts instead of running them from cron"),
                  ("tomas", "2026-11-20T10:25", "Add a retry policy to payout jobs")],
         comments=[("yusuf", "2026-11-19T14:58", "src/payouts/scheduler.rs", 88,
                    "Should a failed payout retry forever?", None)]),
    dict(repo="payments-api", number=210, author="yusuf", draft=False, state="closed",
         title="PAY-133: Upgrade the acquirer client to the v4 API", branch="pay-133-acquirer-v4",
         created="2026-11-20T09:00", updated="2026-11-24T15:00", closed="2026-11-24T15:00",
         merged="2026-11-24T15:00",
         body="Moves every acquirer call to v4; v3 is switched off in December.", requested=[],
         labels=["acquirer"],
         reviews=[("ingrid", "APPROVED", "2026-11-24T11:00", "")],
         commits=[("yusuf", "2026-11-20T08:50", "Generate the v4 acquirer client"),
                  ("yusuf", "2026-11-23T16:10", "Map v4 decline codes")],
         comments=[]),
    dict(repo="payments-api", number=209, author="priya", draft=False, state="closed",
         title="PAY-131: Currency on refund ledger entries", branch="pay-131-refund-currency",
         created="2026-11-17T11:00", updated="2026-11-19T10:00", closed="2026-11-19T10:00",
         merged="2026-11-19T10:00",
         body="Ledger entries for refunds now carry their ISO 4217 currency.", requested=[],
         labels=["refunds"],
         reviews=[("lee", "APPROVED", "2026-11-18T09:00", "")],
         commits=[("priya", "2026-11-17T10:50", "Add currency to refund ledger entries")],
         comments=[]),
    dict(repo="checkout-web", number=91, author="seun", draft=False, state="open",
         title="PAY-149: Localise card decline messages", branch="pay-149-decline-i18n",
         created="2026-11-25T15:00", updated="2026-11-25T17:10",
         body="Decline reasons are shown in the shopper's language.", requested=[],
         labels=["i18n"],
         reviews=[("ingrid", "COMMENTED", "2026-11-25T17:10", "Two strings are still English.")],
         commits=[("seun", "2026-11-25T14:40", "Translate decline messages"),
                  (None, "2026-11-25T14:55", "Add Yoruba and Norwegian strings")],
         comments=[("ingrid", "2026-11-25T17:08", "src/i18n/declines.ts", 31,
                    "`insufficient_funds` is not translated yet.", None)]),
    dict(repo="checkout-web", number=90, author="seun", draft=False, state="closed",
         title="Tidy the payment method icons", branch="tidy-payment-icons",
         created="2026-11-18T10:00", updated="2026-11-19T09:00", closed="2026-11-19T09:00",
         merged=None, body="Superseded by the design refresh.", requested=[], labels=[],
         reviews=[], commits=[("seun", "2026-11-18T09:50", "Use SVG payment method icons")],
         comments=[]),
    dict(repo="checkout-web", number=89, author="seun", draft=False, state="closed",
         title="PAY-136: Size the 3-D Secure challenge iframe", branch="pay-136-3ds-iframe",
         created="2026-11-24T11:00", updated="2026-11-25T16:30", closed="2026-11-25T16:30",
         merged="2026-11-25T16:30",
         body="The challenge iframe now follows the issuer's requested size.", requested=[],
         labels=["3ds"],
         reviews=[("ingrid", "APPROVED", "2026-11-25T15:45", "")],
         commits=[("seun", "2026-11-24T10:45", "Size the challenge iframe from the ACS request")],
         comments=[]),
    dict(repo="checkout-web", number=88, author="seun", draft=False, state="closed",
         title="PAY-132: Show saved cards first", branch="pay-132-saved-cards",
         created="2026-11-17T14:00", updated="2026-11-20T11:00", closed="2026-11-20T11:00",
         merged="2026-11-20T11:00", body="Saved cards are listed above new payment methods.",
         requested=[], labels=[],
         reviews=[("dana", "APPROVED", "2026-11-19T16:00", "")],
         commits=[("seun", "2026-11-17T13:40", "Order saved cards first")],
         comments=[]),
    dict(repo="checkout-web", number=87, author="bot", draft=False, state="open",
         title="Bump @acme/ui-kit from 4.2.0 to 4.3.1", branch="deps/npm/acme-ui-kit-4.3.1",
         created="2026-11-23T06:00", updated="2026-11-23T09:30",
         body="Bumps @acme/ui-kit from 4.2.0 to 4.3.1.", requested=[], labels=["dependencies"],
         reviews=[("ingrid", "CHANGES_REQUESTED", "2026-11-23T09:30",
                   "4.3 changes the Button API and breaks the order summary; let's stay on 4.2.")],
         commits=[("bot", "2026-11-23T05:59", "Bump @acme/ui-kit from 4.2.0 to 4.3.1")],
         comments=[]),
]

# Pull requests of payments-api on the first page; the rest are on the second.
PAYMENTS_API_FIRST_PAGE = 5


def user_of(author):
    return gh_bot() if author == "bot" else gh(author)


def pull_item(pr):
    full = f"{ORG[0]}/{pr['repo']}"
    api = f"{GITHUB_API}/repos/{full}"
    html = f"{GITHUB_WEB}/{full}/pull/{pr['number']}"
    head_sha = digest(pr["repo"], pr["number"], len(pr["commits"]) - 1)
    base_sha = digest(pr["repo"], "main", pr["created"])
    repo = repository(pr["repo"])
    owner = repo["owner"]
    labels = [
        {"id": 5100000000 + i, "node_id": node_id("Label", 5100000000 + i),
         "url": f"{api}/labels/{name}", "name": name, "color": "0e8a16", "default": False,
         "description": None}
        for i, name in enumerate(pr["labels"])
    ]
    merged = pr.get("merged")
    closed = pr.get("closed")
    return {
        "url": f"{api}/pulls/{pr['number']}",
        "id": 2400000000 + REPOS[pr["repo"]]["id"] % 1000 * 1000 + pr["number"],
        "node_id": node_id("PullRequest", pr["number"] * 7919),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": f"{api}/issues/{pr['number']}",
        "number": pr["number"],
        "state": pr["state"],
        "locked": False,
        "title": pr["title"],
        "user": user_of(pr["author"]),
        "body": pr["body"],
        "created_at": github_time(pr["created"]),
        "updated_at": github_time(pr["updated"]),
        "closed_at": github_time(closed) if closed else None,
        "merged_at": github_time(merged) if merged else None,
        "merge_commit_sha": digest(pr["repo"], pr["number"], "merge") if merged else None,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [gh(r) for r in pr["requested"]],
        "requested_teams": [],
        "labels": labels,
        "milestone": None,
        "draft": pr["draft"],
        "commits_url": f"{api}/pulls/{pr['number']}/commits",
        "review_comments_url": f"{api}/pulls/{pr['number']}/comments",
        "review_comment_url": f"{api}/pulls/comments{{/number}}",
        "comments_url": f"{api}/issues/{pr['number']}/comments",
        "statuses_url": f"{api}/statuses/{head_sha}",
        "head": {"label": f"{ORG[0]}:{pr['branch']}", "ref": pr["branch"], "sha": head_sha,
                 "user": owner, "repo": repo},
        "base": {"label": f"{ORG[0]}:main", "ref": "main", "sha": base_sha, "user": owner,
                 "repo": repo},
        "_links": {
            "self": {"href": f"{api}/pulls/{pr['number']}"},
            "html": {"href": html},
            "issue": {"href": f"{api}/issues/{pr['number']}"},
            "comments": {"href": f"{api}/issues/{pr['number']}/comments"},
            "review_comments": {"href": f"{api}/pulls/{pr['number']}/comments"},
            "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
            "commits": {"href": f"{api}/pulls/{pr['number']}/commits"},
            "statuses": {"href": f"{api}/statuses/{head_sha}"},
        },
        "author_association": "NONE" if pr["author"] == "bot" else "MEMBER",
        "auto_merge": None,
        "active_lock_reason": None,
    }


def review_items(pr):
    full = f"{ORG[0]}/{pr['repo']}"
    api = f"{GITHUB_API}/repos/{full}/pulls/{pr['number']}"
    items = []
    for index, (reviewer, state, submitted, body) in enumerate(pr["reviews"]):
        review_id = 3100000000 + pr["number"] * 100 + index
        html = f"{GITHUB_WEB}/{full}/pull/{pr['number']}#pullrequestreview-{review_id}"
        items.append({
            "id": review_id,
            "node_id": node_id("PullRequestReview", review_id),
            "user": gh(reviewer),
            "body": body,
            "state": state,
            "html_url": html,
            "pull_request_url": api,
            "author_association": "MEMBER",
            "_links": {"html": {"href": html}, "pull_request": {"href": api}},
            "submitted_at": github_time(submitted),
            "commit_id": digest(pr["repo"], pr["number"], len(pr["commits"]) - 1),
        })
    return items


def commit_items(pr):
    full = f"{ORG[0]}/{pr['repo']}"
    api = f"{GITHUB_API}/repos/{full}"
    items = []
    parent = digest(pr["repo"], "main", pr["created"])
    for index, (author, when, message) in enumerate(pr["commits"]):
        sha = digest(pr["repo"], pr["number"], index)
        if author == "bot":
            name, email, user = GITHUB_BOT[0], GITHUB_BOT_EMAIL, gh_bot()
        elif author is None:
            # A commit made with a laptop's default Git identity: GitHub links no account.
            owner = BY_ID[pr["author"]]
            name, email, user = owner["github"][0], "seun@seun-laptop.local", None
        elif author.startswith("~"):
            # GitHub sometimes sends `{}` instead of null for an unlinked author.
            person = BY_ID[author[1:]]
            name, email, user = person["name"], person["commit_email"], {}
        else:
            person = BY_ID[author]
            name, email, user = person["name"], person["commit_email"], gh(author)
        signature = {"name": name, "email": email, "date": github_time(when)}
        items.append({
            "sha": sha,
            "node_id": node_id("Commit", int(sha[:8], 16)),
            "commit": {
                "author": signature,
                "committer": dict(signature),
                "message": message,
                "tree": {"sha": digest("tree", sha), "url": f"{api}/git/trees/{digest('tree', sha)}"},
                "url": f"{api}/git/commits/{sha}",
                "comment_count": 0,
                "verification": {"verified": False, "reason": "unsigned", "signature": None,
                                 "payload": None, "verified_at": None},
            },
            "url": f"{api}/commits/{sha}",
            "html_url": f"{GITHUB_WEB}/{full}/commit/{sha}",
            "comments_url": f"{api}/commits/{sha}/comments",
            "author": user,
            "committer": user,
            "parents": [{"sha": parent, "url": f"{api}/commits/{parent}",
                         "html_url": f"{GITHUB_WEB}/{full}/commit/{parent}"}],
        })
        parent = sha
    return items


def comment_items(pr):
    full = f"{ORG[0]}/{pr['repo']}"
    api = f"{GITHUB_API}/repos/{full}"
    reviews = review_items(pr)
    ids = [4200000000 + pr["number"] * 100 + i for i in range(len(pr["comments"]))]
    items = []
    for index, (author, when, path, line, body, reply_to) in enumerate(pr["comments"]):
        comment_id = ids[index]
        commit_id = digest(pr["repo"], pr["number"], 0)
        html = f"{GITHUB_WEB}/{full}/pull/{pr['number']}#discussion_r{comment_id}"
        # GitHub files every review comment under a review of its writer, replies included.
        login = BY_ID[author]["github"][0]
        review = next(r for r in reviews if r["user"]["login"] == login)
        item = {
            "url": f"{api}/pulls/comments/{comment_id}",
            "pull_request_review_id": review["id"],
            "id": comment_id,
            "node_id": node_id("PullRequestReviewComment", comment_id),
            "diff_hunk": f"@@ -{line - 3},6 +{line - 3},8 @@",
            "path": path,
            "commit_id": commit_id,
            "original_commit_id": commit_id,
            "user": gh(author),
            "body": body,
            "created_at": github_time(when),
            "updated_at": github_time(when),
            "html_url": html,
            "pull_request_url": f"{api}/pulls/{pr['number']}",
            "author_association": "MEMBER",
            "_links": {"self": {"href": f"{api}/pulls/comments/{comment_id}"},
                       "html": {"href": html},
                       "pull_request": {"href": f"{api}/pulls/{pr['number']}"}},
            "reactions": {"url": f"{api}/pulls/comments/{comment_id}/reactions", "total_count": 0,
                          "+1": 0, "-1": 0, "laugh": 0, "hooray": 0, "confused": 0, "heart": 0,
                          "rocket": 0, "eyes": 0},
            "start_line": None, "original_start_line": None, "start_side": None,
            "line": line, "original_line": line, "side": "RIGHT", "original_position": 4,
            "position": 4, "subject_type": "line",
        }
        if reply_to is not None:
            item["in_reply_to_id"] = ids[reply_to]
        items.append(item)
    return items


def github_headers(request_id, link=None):
    headers = {
        "content-type": "application/json; charset=utf-8",
        "x-github-api-version-selected": "2022-11-28",
        "x-github-media-type": "github.v3; format=json",
        "x-github-request-id": request_id,
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "4871",
        "x-ratelimit-reset": str(int(NOW.timestamp()) + 1800),
        "x-ratelimit-resource": "core",
        "x-ratelimit-used": "129",
        "etag": f'W/"{digest("etag", request_id)}"',
    }
    if link:
        headers["link"] = link
    return headers


def request_id(*parts):
    value = digest(*parts).upper()
    return f"{value[0:4]}:{value[4:9]}:{value[9:16]}:{value[16:23]}:{value[23:31]}"


def github_routes():
    routes = []
    query = "state=all&sort=updated&direction=desc&per_page=100"
    for repo_name, info in REPOS.items():
        pulls = sorted((p for p in PULLS if p["repo"] == repo_name),
                       key=lambda p: p["updated"], reverse=True)
        path = f"/github/repos/acme/{repo_name}/pulls"
        if repo_name == "payments-api":
            # GitHub may switch to the `/repositories/{id}` form in Link headers; a client
            # must follow the URL as given instead of building page URLs itself.
            page_url = f"{{{{base}}}}/github/repositories/{info['id']}/pulls?{query}&page="
            first, second = pulls[:PAYMENTS_API_FIRST_PAGE], pulls[PAYMENTS_API_FIRST_PAGE:]
            body = write_json(f"github/repos/acme/{repo_name}/pulls.page-1.json",
                              [pull_item(p) for p in first])
            link = f'<{page_url}2>; rel="next", <{page_url}2>; rel="last"'
            routes.append(route("GET", path, {}, body,
                                github_headers(request_id(path, 1), link)))
            body = write_json(f"github/repos/acme/{repo_name}/pulls.page-2.json",
                              [pull_item(p) for p in second])
            link = f'<{page_url}1>; rel="prev", <{page_url}1>; rel="first"'
            routes.append(route("GET", f"/github/repositories/{info['id']}/pulls", {"page": "2"},
                                body, github_headers(request_id(path, 2), link)))
            # The same page under the path the client asked first, so that a client that
            # builds page URLs itself gets the right page instead of looping on page 1.
            routes.append(route("GET", path, {"page": "2"}, body,
                                github_headers(request_id(path, 2), link)))
        else:
            body = write_json(f"github/repos/acme/{repo_name}/pulls.json",
                              [pull_item(p) for p in pulls])
            routes.append(route("GET", path, {}, body, github_headers(request_id(path))))
        for pr in pulls:
            for kind, build in [("reviews", review_items), ("commits", commit_items),
                                ("comments", comment_items)]:
                sub = f"/github/repos/acme/{repo_name}/pulls/{pr['number']}/{kind}"
                body = write_json(f"github/repos/acme/{repo_name}/pulls/{pr['number']}/{kind}.json",
                                  build(pr))
                routes.append(route("GET", sub, {}, body, github_headers(request_id(sub))))
    for person in PEOPLE:
        if person["github"]:
            login = person["github"][0]
            body = write_json(f"github/users/{login}.json", github_user_full(person))
            path = f"/github/users/{login}"
            routes.append(route("GET", path, {}, body, github_headers(request_id(path))))
    path = f"/github/users/{GITHUB_BOT[0]}"
    body = write_json(f"github/users/{GITHUB_BOT[0]}.json", github_bot_full())
    routes.append(route("GET", path, {}, body, github_headers(request_id(path))))
    return routes


def route(method, path, query, body, headers, status=200):
    return {"method": method, "path": path, "query": query, "status": status,
            "headers": headers, "body": body}


# ---------------------------------------------------------------------------------------
# Jira

BOARD_ID = 31
PROJECT = dict(id="10040", key="PAY", name="Payments")
SPRINTS = [
    dict(id=411, state="closed", name="PAY Sprint 23", start="2026-11-02T09:00",
         end="2026-11-13T17:00", complete="2026-11-13T16:40", created="2026-10-28T10:00",
         goal="Acquirer v4 groundwork"),
    dict(id=412, state="active", name="PAY Sprint 24", start="2026-11-16T09:00",
         end="2026-11-27T17:00", created="2026-11-12T10:00",
         goal="Refund idempotency and partial captures"),
    dict(id=413, state="future", name="PAY Sprint 25", created="2026-11-24T15:00",
         goal="Network tokens"),
]
ACTIVE_SPRINT = SPRINTS[1]

STATUSES = {
    "To Do": ("10000", "new", "To Do", "blue-gray", 2),
    "In Progress": ("3", "indeterminate", "In Progress", "yellow", 4),
    "In Review": ("10101", "indeterminate", "In Progress", "yellow", 4),
    "Blocked": ("10102", "indeterminate", "In Progress", "yellow", 4),
    "Done": ("10001", "done", "Done", "green", 3),
}
ISSUE_TYPES = {"Story": "10001", "Task": "10002", "Bug": "10004"}

FIELD_STORY_POINTS = "customfield_10058"
FIELD_STORY_POINT_ESTIMATE = "customfield_10016"
FIELD_SPRINT = "customfield_10020"
FIELD_FLAGGED = "customfield_10021"
FIELD_RANK = "customfield_10019"
IMPEDIMENT_OPTION = "10019"

# Each history entry: (when, author, [(field, from, to)]). "status" items name statuses,
# "Flagged" items use None/"Impediment", "Link" items carry the linked key.
ISSUES = [
    dict(key="PAY-130", type="Story", summary="Retry webhook deliveries with exponential backoff",
         assignee="tomas", points=3, status="Done", created="2026-11-10T10:00",
         history=[("2026-11-16T09:30", "tomas", [("status", "To Do", "In Progress")]),
                  ("2026-11-17T15:00", "tomas", [("status", "In Progress", "In Review")]),
                  ("2026-11-18T11:20", "tomas", [("status", "In Review", "Done")])]),
    dict(key="PAY-131", type="Story", summary="Add the currency to refund ledger entries",
         assignee="priya", points=2, status="Done", created="2026-11-10T10:05",
         history=[("2026-11-17T10:30", "priya", [("status", "To Do", "In Progress")]),
                  ("2026-11-17T11:05", "priya", [("status", "In Progress", "In Review")]),
                  ("2026-11-19T10:02", "priya", [("status", "In Review", "Done")])]),
    dict(key="PAY-132", type="Story", summary="Checkout: show saved cards first",
         assignee="seun", points=3, status="Done", created="2026-11-10T10:10",
         history=[("2026-11-17T09:15", "seun", [("status", "To Do", "In Progress")]),
                  ("2026-11-17T14:05", "seun", [("status", "In Progress", "In Review")]),
                  ("2026-11-20T11:02", "seun", [("status", "In Review", "Done")])]),
    dict(key="PAY-133", type="Story", summary="Upgrade the acquirer client to the v4 API",
         assignee="yusuf", points=5, status="Done", created="2026-10-29T10:00",
         sprints=[411, 412],
         history=[("2026-11-05T09:00", "yusuf", [("status", "To Do", "In Progress")]),
                  ("2026-11-20T09:05", "yusuf", [("status", "In Progress", "In Review")]),
                  ("2026-11-24T15:03", "yusuf", [("status", "In Review", "Done")])]),
    dict(key="PAY-134", type="Task", summary="Rotate the settlement SFTP key",
         assignee="lee", points=1, status="Done", created="2026-11-12T11:00",
         history=[("2026-11-24T15:40", "lee", [("status", "To Do", "In Progress")]),
                  ("2026-11-24T16:02", "lee", [("status", "In Progress", "In Review")]),
                  ("2026-11-25T11:20", "lee", [("status", "In Review", "Done")])]),
    dict(key="PAY-135", type="Story", summary="Limit dispute evidence uploads to 10 MB",
         assignee="lee", points=3, status="In Review", created="2026-11-12T11:05",
         history=[("2026-11-23T09:10", "lee", [("status", "To Do", "In Progress")]),
                  ("2026-11-24T10:02", "lee", [("status", "In Progress", "In Review")])]),
    dict(key="PAY-136", type="Bug", summary="Checkout: 3-D Secure challenge iframe is cut off",
         assignee="seun", points=2, status="Done", created="2026-11-13T09:00",
         history=[("2026-11-23T10:00", "seun", [("status", "To Do", "In Progress")]),
                  ("2026-11-24T11:02", "seun", [("status", "In Progress", "In Review")]),
                  ("2026-11-25T16:40", "seun", [("status", "In Review", "Done")])]),
    dict(key="PAY-137", type="Story", summary="Refund status webhooks for merchants",
         assignee=None, points=5, status="To Do", created="2026-11-12T11:10", history=[]),
    dict(key="PAY-138", type="Task", summary="Document the payouts reconciliation runbook",
         assignee="dana", points=2, status="To Do", created="2026-11-12T11:15", history=[]),
    dict(key="PAY-139", type="Story", summary="Migrate the payout scheduler to the job queue",
         assignee="tomas", points=5, status="In Progress", created="2026-10-30T14:00",
         sprints=[411, 412],
         history=[("2026-11-12T10:00", "tomas", [("status", "To Do", "In Progress")]),
                  ("2026-11-20T11:00", "tomas", [("Story Points", "3", "5")])]),
    dict(key="PAY-140", type="Story", summary="Fraud score threshold per merchant",
         assignee="priya", points=3, status="Done", created="2026-11-12T11:20",
         history=[("2026-11-23T09:30", "priya", [("status", "To Do", "In Progress")]),
                  ("2026-11-24T09:32", "priya", [("status", "In Progress", "In Review")]),
                  ("2026-11-25T14:05", "priya", [("status", "In Review", "Done")])]),
    dict(key="PAY-141", type="Task", summary="Renew the Apple Pay merchant identity certificate",
         assignee="ingrid", points=2, status="In Progress", created="2026-11-12T11:25",
         flagged=True,
         history=[("2026-11-23T13:00", "ingrid", [("status", "To Do", "In Progress")]),
                  ("2026-11-25T10:30", "ingrid", [("Flagged", None, "Impediment")])]),
    dict(key="PAY-142", type="Story", summary="Partial captures in the capture API",
         assignee="yusuf", points=8, status="In Progress", created="2026-11-12T11:30",
         history=[("2026-11-24T09:00", "yusuf", [("status", "To Do", "In Progress")]),
                  ("2026-11-25T17:30", "yusuf", [("Story Points", "5", "8")])]),
    dict(key="PAY-143", type="Story", summary="Stream the ledger CSV export",
         assignee="lee", points=3, status="In Progress", created="2026-11-12T11:35",
         history=[("2026-11-19T10:00", "lee", [("status", "To Do", "In Progress")]),
                  ("2026-11-23T17:00", "lee", [("assignee", "tomas", "lee")])]),
    dict(key="PAY-144", type="Task", summary="Sunset the v1 payments endpoint",
         assignee="dana", points=3, status="To Do", created="2026-11-12T11:40", history=[]),
    dict(key="PAY-145", type="Story", summary="Enable acquirer v4 card tokenization",
         assignee="seun", points=3, status="In Progress", created="2026-11-12T11:45",
         links=[("inward", "PAY-133", "10201")],
         history=[("2026-11-13T09:00", "dana", [("Link", None, "PAY-133")]),
                  ("2026-11-25T12:00", "seun", [("status", "To Do", "In Progress")])]),
    dict(key="PAY-146", type="Story", summary="Chargeback notification e-mails",
         assignee="priya", points=3, status="In Progress", created="2026-11-12T11:50",
         history=[("2026-11-20T09:00", "priya", [("status", "To Do", "In Progress")]),
                  ("2026-11-24T10:00", "priya", [("Flagged", None, "Impediment")]),
                  ("2026-11-25T09:40", "priya", [("Flagged", "Impediment", None)])]),
    dict(key="PAY-147", type="Task", summary="Dependency update: tokio 1.48.0",
         assignee="ingrid", reporter="bot", points=1, status="Done", created="2026-11-24T06:01",
         history=[("2026-11-25T10:50", "ingrid", [("status", "To Do", "In Progress")]),
                  ("2026-11-25T11:01", "bot", [("status", "In Progress", "Done")])]),
    dict(key="PAY-148", type="Story", summary="Idempotency keys for refund requests",
         assignee="ingrid", points=5, status="In Progress", created="2026-11-12T11:55",
         links=[("inward", "PAY-152", "10202")],
         history=[("2026-11-23T09:30", "ingrid", [("status", "To Do", "In Progress")]),
                  ("2026-11-23T09:35", "ingrid", [("Link", None, "PAY-152")]),
                  ("2026-11-25T17:00", "ingrid", [("Story Points", "3", "5")])]),
    dict(key="PAY-149", type="Story", summary="Checkout: localise card decline messages",
         assignee="seun", points=2, status="In Review", created="2026-11-12T12:00",
         history=[("2026-11-24T13:00", "seun", [("status", "To Do", "In Progress")]),
                  ("2026-11-25T15:02", "seun", [("status", "In Progress", "In Review")])]),
    dict(key="PAY-150", type="Story", summary="Settlement report for Northwind Acquiring",
         assignee="tomas", points=3, status="Blocked", created="2026-11-12T12:05",
         history=[("2026-11-18T09:00", "tomas", [("status", "To Do", "In Progress")]),
                  ("2026-11-24T16:10", "tomas", [("status", "In Progress", "Blocked")])]),
    dict(key="PAY-151", type="Task", summary="Load test the refunds API at 200 requests/s",
         assignee="lee", points=3, status="To Do", created="2026-11-12T12:10", history=[]),
    dict(key="PAY-152", type="Story", summary="Ledger schema migration for refund idempotency",
         assignee="priya", points=5, status="In Progress", created="2026-11-12T12:15",
         links=[("outward", "PAY-148", "10202")],
         history=[("2026-11-24T09:30", "priya", [("status", "To Do", "In Progress")]),
                  ("2026-11-25T18:20", "priya", [("Story Points", "3", "5")])]),
    dict(key="PAY-153", type="Story", summary="Spike: network tokens for recurring payments",
         assignee=None, points=2, status="To Do", created="2026-11-24T14:30",
         history=[("2026-11-24T14:35", "dana", [("Sprint", None, "PAY Sprint 24")])]),
]
ISSUE_BY_KEY = {issue["key"]: issue for issue in ISSUES}


def issue_id(key):
    return str(10100 + int(key.split("-")[1]))


def jira_avatars(initials):
    base = f"{JIRA_AVATARS}/initials/{initials}-3.png"
    return {size: f"{base}?size={n}&s={n}" for size, n in
            [("48x48", 48), ("24x24", 24), ("16x16", 16), ("32x32", 32)]}


def jira_user(who):
    if who == "bot":
        account_id, name = JIRA_BOT
        return {"self": f"{JIRA_SITE}/rest/api/3/user?accountId={account_id}",
                "accountId": account_id, "avatarUrls": jira_avatars("AJ"),
                "displayName": name, "active": True, "timeZone": "Etc/UTC",
                "accountType": "app"}
    person = BY_ID[who]
    account_id, name, email = person["jira"]
    initials = "".join(part[0] for part in name.replace(".", "").split()[:2]).upper()
    user = {"self": f"{JIRA_SITE}/rest/api/3/user?accountId={account_id}",
            "accountId": account_id}
    if email:
        user["emailAddress"] = email
    user.update({"avatarUrls": jira_avatars(initials), "displayName": name, "active": True,
                 "timeZone": person["tz"], "accountType": "atlassian"})
    return user


def status_object(name):
    status_id, category_key, category_name, color, category_id = STATUSES[name]
    return {
        "self": f"{JIRA_SITE}/rest/api/3/status/{status_id}",
        "description": "",
        "iconUrl": f"{JIRA_SITE}/images/icons/statuses/generic.png",
        "name": name,
        "id": status_id,
        "statusCategory": {"self": f"{JIRA_SITE}/rest/api/3/statuscategory/{category_id}",
                           "id": category_id, "key": category_key, "colorName": color,
                           "name": category_name},
    }


def issue_type_object(name):
    type_id = ISSUE_TYPES[name]
    return {"self": f"{JIRA_SITE}/rest/api/3/issuetype/{type_id}", "id": type_id,
            "description": "", "iconUrl": f"{JIRA_SITE}/rest/api/2/universal_avatar/view/type/"
                                          f"issuetype/avatar/{type_id}?size=medium",
            "name": name, "subtask": False, "avatarId": int(type_id) + 10300,
            "entityId": fixed_uuid("issuetype", name), "hierarchyLevel": 0}


def priority_object():
    return {"self": f"{JIRA_SITE}/rest/api/3/priority/3",
            "iconUrl": f"{JIRA_SITE}/images/icons/priorities/medium.svg", "name": "Medium",
            "id": "3"}


def sprint_field_value(sprint_id):
    sprint = next(s for s in SPRINTS if s["id"] == sprint_id)
    value = {"id": sprint["id"], "name": sprint["name"], "state": sprint["state"],
             "boardId": BOARD_ID, "goal": sprint["goal"]}
    if "start" in sprint:
        value["startDate"] = at(sprint["start"]).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        value["endDate"] = at(sprint["end"]).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if "complete" in sprint:
        value["completeDate"] = at(sprint["complete"]).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return value


def agile_sprint(sprint):
    value = {"id": sprint["id"], "self": f"{JIRA_SITE}/rest/agile/1.0/sprint/{sprint['id']}",
             "state": sprint["state"], "name": sprint["name"]}
    if "start" in sprint:
        value["startDate"] = agile_time(sprint["start"])
        value["endDate"] = agile_time(sprint["end"])
    if "complete" in sprint:
        value["completeDate"] = agile_time(sprint["complete"])
    value["createdDate"] = agile_time(sprint["created"])
    value["originBoardId"] = BOARD_ID
    value["goal"] = sprint["goal"]
    return value


def link_object(direction, other_key, link_id):
    other = ISSUE_BY_KEY[other_key]
    linked = {"id": issue_id(other_key), "key": other_key,
              "self": f"{JIRA_SITE}/rest/api/3/issue/{issue_id(other_key)}",
              "fields": {"summary": other["summary"], "status": status_object(other["status"]),
                         "priority": priority_object(),
                         "issuetype": issue_type_object(other["type"])}}
    return {"id": link_id, "self": f"{JIRA_SITE}/rest/api/3/issueLink/{link_id}",
            "type": {"id": "10000", "name": "Blocks", "inward": "is blocked by",
                     "outward": "blocks", "self": f"{JIRA_SITE}/rest/api/3/issueLinkType/10000"},
            f"{direction}Issue": linked}


def change_item(field, old, new):
    if field == "status":
        return {"field": "status", "fieldtype": "jira", "fieldId": "status",
                "from": STATUSES[old][0], "fromString": old,
                "to": STATUSES[new][0], "toString": new}
    if field == "Flagged":
        return {"field": "Flagged", "fieldtype": "custom", "fieldId": FIELD_FLAGGED,
                "from": f"[{IMPEDIMENT_OPTION}]" if old else None, "fromString": old,
                "to": f"[{IMPEDIMENT_OPTION}]" if new else None, "toString": new}
    if field == "Story Points":
        return {"field": "Story Points", "fieldtype": "custom", "fieldId": FIELD_STORY_POINTS,
                "from": None, "fromString": old, "to": None, "toString": new}
    if field == "Sprint":
        return {"field": "Sprint", "fieldtype": "custom", "fieldId": FIELD_SPRINT,
                "from": "", "fromString": "", "to": str(ACTIVE_SPRINT["id"]), "toString": new}
    if field == "Link":
        return {"field": "Link", "fieldtype": "jira", "from": None, "fromString": None,
                "to": new, "toString": f"This issue is blocked by {new}"}
    if field == "assignee":
        old_account = BY_ID[old]["jira"]
        new_account = BY_ID[new]["jira"]
        return {"field": "assignee", "fieldtype": "jira", "fieldId": "assignee",
                "from": old_account[0], "fromString": old_account[1],
                "to": new_account[0], "toString": new_account[1],
                "tmpFromAccountId": old_account[0], "tmpToAccountId": new_account[0]}
    raise ValueError(f"unknown change field {field}")


def resolution_items(old, new):
    """Return the resolution change that a transition into Done adds."""
    if new == "Done":
        return [{"field": "resolution", "fieldtype": "jira", "fieldId": "resolution",
                 "from": None, "fromString": None, "to": "10000", "toString": "Done"}]
    return []


def changelog(issue):
    histories = []
    for index, (when, author, changes) in enumerate(issue["history"]):
        items = []
        for field, old, new in changes:
            items.append(change_item(field, old, new))
            if field == "status":
                items.extend(resolution_items(old, new))
        histories.append({"id": str(int(issue_id(issue["key"])) * 10 + index),
                          "author": jira_user(author),
                          "created": jira_time(when),
                          "items": items})
    # The search API lists the newest histories first.
    histories.reverse()
    return {"startAt": 0, "maxResults": len(histories), "total": len(histories),
            "histories": histories}


def last_update(issue):
    times = [issue["created"]] + [when for when, _, _ in issue["history"]]
    return max(times)


def status_change_time(issue):
    times = [when for when, _, changes in issue["history"]
             if any(field == "status" for field, _, _ in changes)]
    return max(times) if times else issue["created"]


def description(text):
    return {"type": "doc", "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}


def issue_fields(issue, agile):
    done = issue["status"] == "Done"
    resolved = status_change_time(issue) if done else None
    sprint_ids = issue.get("sprints", [ACTIVE_SPRINT["id"]])
    flagged = [{"self": f"{JIRA_SITE}/rest/api/3/customFieldOption/{IMPEDIMENT_OPTION}",
                "value": "Impediment", "id": IMPEDIMENT_OPTION}] if issue.get("flagged") else None
    reporter = issue.get("reporter", "dana")
    fields = {
        "summary": issue["summary"],
        "status": status_object(issue["status"]),
        "statuscategorychangedate": jira_time(status_change_time(issue)),
        "issuetype": issue_type_object(issue["type"]),
        "priority": priority_object(),
        "project": {"self": f"{JIRA_SITE}/rest/api/3/project/{PROJECT['id']}",
                    "id": PROJECT["id"], "key": PROJECT["key"], "name": PROJECT["name"],
                    "projectTypeKey": "software", "simplified": False,
                    "avatarUrls": {s: f"{JIRA_SITE}/rest/api/3/universal_avatar/view/type/"
                                      f"project/avatar/10411?size={n}"
                                   for s, n in [("48x48", "large"), ("24x24", "small"),
                                                ("16x16", "xsmall"), ("32x32", "medium")]}},
        "assignee": jira_user(issue["assignee"]) if issue["assignee"] else None,
        "reporter": jira_user(reporter),
        "creator": jira_user(reporter),
        "created": jira_time(issue["created"]),
        "updated": jira_time(last_update(issue)),
        "resolution": {"self": f"{JIRA_SITE}/rest/api/3/resolution/10000", "id": "10000",
                       "description": "Work has been completed on this issue.", "name": "Done"}
        if done else None,
        "resolutiondate": jira_time(resolved) if resolved else None,
        "labels": [],
        "issuelinks": [link_object(*link) for link in issue.get("links", [])],
        "description": description(issue["summary"] + "."),
        FIELD_SPRINT: [sprint_field_value(s) for s in sprint_ids],
        FIELD_FLAGGED: flagged,
        FIELD_STORY_POINTS: float(issue["points"]),
        FIELD_STORY_POINT_ESTIMATE: None,
        FIELD_RANK: f"0|i00{int(issue['key'].split('-')[1]):03d}:",
    }
    if agile:
        closed = [agile_sprint(s) for s in SPRINTS if s["id"] in sprint_ids and
                  s["state"] == "closed"]
        fields["sprint"] = agile_sprint(ACTIVE_SPRINT)
        fields["closedSprints"] = closed
        fields["flagged"] = bool(issue.get("flagged"))
        fields["epic"] = None
    return fields


def issue_object(issue, agile):
    return {"expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
            "id": issue_id(issue["key"]),
            "self": f"{JIRA_SITE}/rest/api/3/issue/{issue_id(issue['key'])}",
            "key": issue["key"],
            "fields": issue_fields(issue, agile),
            "changelog": changelog(issue)}


def field_entry(field_id, name, schema, custom, clause_names, key=None):
    entry = {"id": field_id, "key": key or field_id, "name": name, "custom": custom,
             "orderable": True, "navigable": True, "searchable": True,
             "clauseNames": clause_names, "schema": schema}
    if custom:
        entry["untranslatedName"] = name
    return entry


def jira_fields():
    def custom(kind, custom_type, number, items=None):
        schema = {"type": kind, "custom": custom_type, "customId": number}
        if items:
            schema["items"] = items
        return schema

    return [
        field_entry("summary", "Summary", {"type": "string", "system": "summary"}, False,
                    ["summary"]),
        field_entry("status", "Status", {"type": "status", "system": "status"}, False,
                    ["status"]),
        field_entry("assignee", "Assignee", {"type": "user", "system": "assignee"}, False,
                    ["assignee"]),
        field_entry("reporter", "Reporter", {"type": "user", "system": "reporter"}, False,
                    ["reporter"]),
        field_entry("created", "Created", {"type": "datetime", "system": "created"}, False,
                    ["created", "createdDate"]),
        field_entry("updated", "Updated", {"type": "datetime", "system": "updated"}, False,
                    ["updated", "updatedDate"]),
        field_entry("resolutiondate", "Resolved",
                    {"type": "datetime", "system": "resolutiondate"}, False,
                    ["resolutiondate", "resolved"]),
        field_entry("issuetype", "Issue Type", {"type": "issuetype", "system": "issuetype"},
                    False, ["issuetype", "type"]),
        field_entry("issuelinks", "Linked Issues",
                    {"type": "array", "items": "issuelinks", "system": "issuelinks"}, False, []),
        field_entry("description", "Description", {"type": "string", "system": "description"},
                    False, ["description"]),
        field_entry(FIELD_RANK, "Rank",
                    custom("any", "com.pyxis.greenhopper.jira:gh-lexo-rank", 10019), True,
                    ["Rank", "cf[10019]"]),
        field_entry(FIELD_SPRINT, "Sprint",
                    custom("array", "com.pyxis.greenhopper.jira:gh-sprint", 10020, "json"),
                    True, ["cf[10020]", "Sprint"]),
        field_entry(FIELD_FLAGGED, "Flagged",
                    custom("array", "com.atlassian.jira.plugin.system.customfieldtypes:"
                                    "multicheckboxes", 10021, "option"),
                    True, ["cf[10021]", "Flagged", "Impediment"]),
        # A team-managed project's estimate field exists on the site but this board does
        # not use it: the board configuration names the field that counts.
        field_entry(FIELD_STORY_POINT_ESTIMATE, "Story point estimate",
                    custom("number", "com.pyxis.greenhopper.jira:jsw-story-points", 10016),
                    True, ["cf[10016]", "Story point estimate"]),
        field_entry(FIELD_STORY_POINTS, "Story Points",
                    custom("number", "com.atlassian.jira.plugin.system.customfieldtypes:float",
                           10058),
                    True, ["cf[10058]", "Story Points", "Story Points[Number]"]),
    ]


def jira_board():
    return {"id": BOARD_ID, "self": f"{JIRA_SITE}/rest/agile/1.0/board/{BOARD_ID}",
            "name": "PAY board", "type": "scrum",
            "location": {"projectId": int(PROJECT["id"]), "displayName": "Payments (PAY)",
                         "projectName": PROJECT["name"], "projectKey": PROJECT["key"],
                         "projectTypeKey": "software",
                         "avatarURI": "/rest/api/2/universal_avatar/view/type/project/avatar/"
                                      "10411?size=small",
                         "name": "Payments (PAY)"}}


def jira_board_configuration():
    def column(name, statuses):
        return {"name": name,
                "statuses": [{"id": STATUSES[s][0],
                              "self": f"{JIRA_SITE}/rest/api/2/status/{STATUSES[s][0]}"}
                             for s in statuses]}

    return {
        "id": BOARD_ID, "name": "PAY board",
        "type": "scrum",
        "self": f"{JIRA_SITE}/rest/agile/1.0/board/{BOARD_ID}/configuration",
        "location": {"type": "project", "key": PROJECT["key"], "id": PROJECT["id"],
                     "self": f"{JIRA_SITE}/rest/api/2/project/{PROJECT['id']}",
                     "name": PROJECT["name"]},
        "filter": {"id": "10052", "self": f"{JIRA_SITE}/rest/api/2/filter/10052"},
        "columnConfig": {
            "columns": [column("Backlog", []), column("To Do", ["To Do"]),
                        column("In Progress", ["In Progress", "Blocked"]),
                        column("In Review", ["In Review"]), column("Done", ["Done"])],
            "constraintType": "none"},
        "estimation": {"type": "field",
                       "field": {"fieldId": FIELD_STORY_POINTS, "displayName": "Story Points"}},
        "ranking": {"rankCustomFieldId": 10019},
    }


def jira_headers(name):
    return {"content-type": "application/json;charset=UTF-8",
            "x-arequestid": digest("jira", name)[:24],
            "atl-traceid": digest("trace", name)[:32],
            "x-ratelimit-limit": "350", "x-ratelimit-remaining": "349"}


# Issues on the first page of each paginated issue list.
JIRA_FIRST_PAGE = 12
SEARCH_TOKEN = "CAEaAggDIgA6BlBBWS0xNDE="


def jira_routes():
    routes = []
    board = f"/jira/rest/agile/1.0/board/{BOARD_ID}"

    body = write_json("jira/field.json", jira_fields())
    routes.append(route("GET", "/jira/rest/api/3/field", {}, body, jira_headers("field")))
    body = write_json(f"jira/board-{BOARD_ID}.json", jira_board())
    routes.append(route("GET", board, {}, body, jira_headers("board")))
    body = write_json(f"jira/board-{BOARD_ID}-configuration.json", jira_board_configuration())
    routes.append(route("GET", f"{board}/configuration", {}, body, jira_headers("config")))
    sprints = {"maxResults": 50, "startAt": 0, "total": len(SPRINTS), "isLast": True,
               "values": [agile_sprint(s) for s in SPRINTS]}
    body = write_json(f"jira/board-{BOARD_ID}-sprints.json", sprints)
    routes.append(route("GET", f"{board}/sprint", {}, body, jira_headers("sprints")))

    # The sprint endpoint lists issues by rank; this demo ranks them by key.
    sprint_path = f"/jira/rest/agile/1.0/sprint/{ACTIVE_SPRINT['id']}/issue"
    pages = [ISSUES[:JIRA_FIRST_PAGE], ISSUES[JIRA_FIRST_PAGE:]]
    for number, (start, issues) in enumerate([(0, pages[0]), (JIRA_FIRST_PAGE, pages[1])], 1):
        page = {"expand": "schema,names", "startAt": start, "maxResults": JIRA_FIRST_PAGE,
                "total": len(ISSUES), "issues": [issue_object(i, agile=True) for i in issues]}
        body = write_json(f"jira/sprint-{ACTIVE_SPRINT['id']}-issues.page-{number}.json", page)
        query = {} if start == 0 else {"startAt": str(start)}
        routes.append(route("GET", sprint_path, query, body,
                            jira_headers(f"sprint-issue-{number}")))

    # The search API pages with an opaque token, newest updates first.
    ordered = sorted(ISSUES, key=last_update, reverse=True)
    first = {"issues": [issue_object(i, agile=False) for i in ordered[:JIRA_FIRST_PAGE]],
             "nextPageToken": SEARCH_TOKEN, "isLast": False}
    second = {"issues": [issue_object(i, agile=False) for i in ordered[JIRA_FIRST_PAGE:]],
              "isLast": True}
    search = "/jira/rest/api/3/search/jql"
    body = write_json("jira/search-jql.page-1.json", first)
    routes.append(route("GET", search, {}, body, jira_headers("search-1")))
    body = write_json("jira/search-jql.page-2.json", second)
    routes.append(route("GET", search, {"nextPageToken": SEARCH_TOKEN}, body,
                        jira_headers("search-2")))
    return routes


# ---------------------------------------------------------------------------------------
# Slack

TEAM_ID = "T0ACME0001"
CHANNEL_TEAM = "C0PAYTEAM1"
CHANNEL_RELEASES = "C0PAYREL02"
DEPLOY_BOT = dict(user="U0DPLY09", bot="B0DEPLOY01", app="A0DEPLOY01", name="Deploy Bot")
ASYNC_BOT = dict(user="U0ASYN10", bot="B0ASYNC001", app="A0ASYNC001", name="ASYNC Standup")
FORMER_MEMBER = dict(user="U0GONE11", name="rafael", real_name="Rafael Costa")


def slack_images(key):
    base = f"{SLACK_AVATARS}/{TEAM_ID}-{key}"
    return {f"image_{n}": f"{base}-{digest(key)[:12]}_{n}.png"
            for n in (24, 32, 48, 72, 192, 512)}


def slack_member(person):
    user_id, handle, real_name, display_name, email = person["slack"]
    first, _, last = real_name.partition(" ")
    profile = {
        "title": person["role"].capitalize(), "phone": "", "skype": "",
        "real_name": real_name, "real_name_normalized": real_name.replace("á", "a"),
        "display_name": display_name, "display_name_normalized": display_name.replace("á", "a"),
        "fields": None, "status_text": "", "status_emoji": "", "status_emoji_display_info": [],
        "status_expiration": 0, "avatar_hash": digest("avatar", user_id)[:12],
        "email": email, "first_name": first, "last_name": last,
        **slack_images(user_id), "is_custom_image": False, "team": TEAM_ID,
    }
    offset = {"Europe/London": 0, "Asia/Seoul": 32400, "Asia/Kolkata": 19800,
              "Europe/Madrid": 3600, "Africa/Lagos": 3600, "Europe/Oslo": 3600,
              "Europe/Istanbul": 10800}[person["tz"]]
    return {
        "id": user_id, "team_id": TEAM_ID, "name": handle, "deleted": False,
        "color": digest("color", user_id)[:6], "real_name": real_name, "tz": person["tz"],
        "tz_label": "Local time", "tz_offset": offset, "profile": profile,
        "is_admin": person["id"] == "morgan", "is_owner": False, "is_primary_owner": False,
        "is_restricted": False, "is_ultra_restricted": False, "is_bot": False,
        "is_app_user": False, "updated": int(at("2026-10-01T08:00").timestamp()),
        "is_email_confirmed": True, "who_can_share_contact_card": "EVERYONE",
    }


def slackbot_member():
    return {
        "id": "USLACKBOT", "team_id": TEAM_ID, "name": "slackbot", "deleted": False,
        "color": "757575", "real_name": "Slackbot", "tz": "America/Los_Angeles",
        "tz_label": "Pacific Standard Time", "tz_offset": -28800,
        "profile": {"title": "", "phone": "", "skype": "", "real_name": "Slackbot",
                    "real_name_normalized": "Slackbot", "display_name": "Slackbot",
                    "display_name_normalized": "Slackbot", "fields": None, "status_text": "",
                    "status_emoji": "", "status_emoji_display_info": [],
                    "status_expiration": 0, "avatar_hash": "sv41d8cd98f0",
                    "always_active": True, "first_name": "slackbot", "last_name": "",
                    **slack_images("USLACKBOT"), "team": TEAM_ID},
        # Slack reports its own Slackbot as not a bot.
        "is_admin": False, "is_owner": False, "is_primary_owner": False,
        "is_restricted": False, "is_ultra_restricted": False, "is_bot": False,
        "is_app_user": False, "updated": 0, "is_email_confirmed": False,
        "who_can_share_contact_card": "EVERYONE",
    }


def bot_member(bot):
    return {
        "id": bot["user"], "team_id": TEAM_ID, "name": bot["name"].lower().replace(" ", "_"),
        "deleted": False, "color": digest("color", bot["user"])[:6], "real_name": bot["name"],
        "tz": "America/Los_Angeles", "tz_label": "Pacific Standard Time", "tz_offset": -28800,
        "profile": {"title": "", "phone": "", "skype": "", "real_name": bot["name"],
                    "real_name_normalized": bot["name"], "display_name": "",
                    "display_name_normalized": "", "fields": None, "status_text": "",
                    "status_emoji": "", "status_emoji_display_info": [],
                    "status_expiration": 0, "avatar_hash": digest("avatar", bot["user"])[:12],
                    "api_app_id": bot["app"], "always_active": False, "bot_id": bot["bot"],
                    "first_name": bot["name"], "last_name": "",
                    **slack_images(bot["user"]), "team": TEAM_ID},
        "is_admin": False, "is_owner": False, "is_primary_owner": False,
        "is_restricted": False, "is_ultra_restricted": False, "is_bot": True,
        "is_app_user": False, "updated": int(at("2025-05-20T10:00").timestamp()),
        "is_email_confirmed": False, "who_can_share_contact_card": "EVERYONE",
    }


def former_member():
    user = FORMER_MEMBER
    return {
        "id": user["user"], "team_id": TEAM_ID, "name": user["name"], "deleted": True,
        "profile": {"title": "", "phone": "", "skype": "", "real_name": user["real_name"],
                    "real_name_normalized": user["real_name"], "display_name": "Rafa",
                    "display_name_normalized": "Rafa", "fields": None, "status_text": "",
                    "status_emoji": "", "status_emoji_display_info": [],
                    "status_expiration": 0, "avatar_hash": digest("avatar", user["user"])[:12],
                    "first_name": "Rafael", "last_name": "Costa",
                    **slack_images(user["user"]), "team": TEAM_ID},
        "is_bot": False, "is_app_user": False, "updated": int(at("2026-06-30T17:00").timestamp()),
        "is_forgotten": False, "who_can_share_contact_card": "EVERYONE",
    }


USERS_CURSOR = "dXNlcjpVMFNFVU4wNg=="


def rich_text(text):
    return [{"type": "rich_text", "block_id": digest("block", text)[:5],
             "elements": [{"type": "rich_text_section",
                           "elements": [{"type": "text", "text": text}]}]}]


def human_message(who, when, sequence, text, **extra):
    message = {"user": BY_ID[who]["slack"][0], "type": "message", "ts": slack_ts(when, sequence),
               "client_msg_id": fixed_uuid("msg", who, when), "text": text, "team": TEAM_ID,
               "blocks": rich_text(text)}
    message.update(extra)
    return message


def bot_message(when, sequence, text):
    return {"subtype": "bot_message", "text": text, "username": DEPLOY_BOT["name"],
            "type": "message", "ts": slack_ts(when, sequence), "bot_id": DEPLOY_BOT["bot"],
            "app_id": DEPLOY_BOT["app"],
            "bot_profile": {"id": DEPLOY_BOT["bot"], "deleted": False, "name": DEPLOY_BOT["name"],
                            "updated": int(at("2025-05-20T10:00").timestamp()),
                            "app_id": DEPLOY_BOT["app"],
                            "icons": {"image_36": f"{SLACK_AVATARS}/deploy-bot_36.png",
                                      "image_48": f"{SLACK_AVATARS}/deploy-bot_48.png",
                                      "image_72": f"{SLACK_AVATARS}/deploy-bot_72.png"},
                            "team_id": TEAM_ID}}


# Threads: parent (who, when, sequence, text) and replies [(who, when, sequence, text)].
THREADS = {
    "lee-staging-access": dict(
        channel=CHANNEL_TEAM,
        parent=("lee", "2026-11-25T14:48", 2100,
                "Blocked on PAY-151: waiting for Platform to grant the load-test role on the "
                "staging read replica. Has anyone got a contact there?"),
        replies=[("morgan", "2026-11-25T15:30", 1500,
                  "I've asked the Platform on-call, no answer yet. I'll chase tomorrow morning.")]),
    "yusuf-staging-502": dict(
        channel=CHANNEL_TEAM,
        parent=("yusuf", "2026-11-25T10:05", 900,
                "I'm blocked on staging: payments-api returns 502 on POST /v2/captures. "
                "Anyone seen this? It stops me testing PAY-142."),
        replies=[("tomas", "2026-11-25T10:21", 300,
                  "The staging pods ran out of memory, I restarted them. Try again?"),
                 ("yusuf", "2026-11-25T10:34", 700, "unblocked, thanks!")]),
    "dana-release": dict(
        channel=CHANNEL_RELEASES,
        parent=("dana", "2026-11-25T14:10", 400,
                "payments-api v2.40.2 is going out today with the per-merchant fraud "
                "thresholds (PAY-140)."),
        replies=[("priya", "2026-11-25T14:12", 800, "Thanks! I'll watch the fraud dashboards.")]),
}


def thread_parent(thread):
    who, when, sequence, text = thread["parent"]
    replies = thread["replies"]
    reply_users = list(dict.fromkeys(BY_ID[r[0]]["slack"][0] for r in replies))
    latest = slack_ts(replies[-1][1], replies[-1][2])
    return human_message(who, when, sequence, text, thread_ts=slack_ts(when, sequence),
                         reply_count=len(replies), reply_users_count=len(reply_users),
                         latest_reply=latest, reply_users=reply_users, is_locked=False,
                         subscribed=False)


def thread_replies(thread):
    parent = thread_parent(thread)
    messages = [parent]
    for who, when, sequence, text in thread["replies"]:
        messages.append(human_message(who, when, sequence, text, thread_ts=parent["ts"],
                                      parent_user_id=parent["user"]))
    return messages


def team_channel_messages():
    """#payments-team, newest first, over the standup window."""
    messages = [
        human_message("dana", "2026-11-26T08:45", 100,
                      "Morning all, standup notes are coming from ASYNC at 09:00 today."),
        human_message("priya", "2026-11-25T18:22", 500,
                      "The PAY-152 migration PR could use a reviewer tomorrow if anyone has "
                      "capacity: payments-api#216"),
        human_message("yusuf", "2026-11-25T17:35", 200,
                      "Partial captures are up for review: payments-api#217",
                      reactions=[{"name": "eyes", "users": ["U0TOMS05"], "count": 1}]),
        human_message("ingrid", "2026-11-25T16:58", 400,
                      "Pushed the idempotency-key draft for PAY-148, still needs PAY-152 first.",
                      edited={"user": "U0INGR07", "ts": slack_ts("2026-11-25T17:01", 0)}),
        human_message("seun", "2026-11-25T16:42", 600,
                      "3-D Secure iframe fix is live, PAY-136 closed :tada:",
                      reactions=[{"name": "tada", "users": ["U0DANA01", "U0INGR07"], "count": 2}]),
        thread_parent(THREADS["lee-staging-access"]),
        human_message("tomas", "2026-11-25T12:30", 300,
                      "Northwind still hasn't sent the settlement file spec, PAY-150 stays "
                      "blocked. I'll pick up PAY-139 reviews meanwhile."),
        human_message("ingrid", "2026-11-25T10:31", 800,
                      "Flagged PAY-141: Finance has to approve the Apple Pay certificate "
                      "renewal before I can continue."),
        thread_parent(THREADS["yusuf-staging-502"]),
        human_message("morgan", "2026-11-25T09:20", 100,
                      "Reminder: sprint review is Friday 14:00 UTC."),
    ]
    return messages


def releases_channel_messages():
    """#payments-releases, newest first, over the standup window."""
    return [
        bot_message("2026-11-26T07:30", 100,
                    "waiting for deploy window: payments-api v2.41.0 is queued behind "
                    "checkout-web v5.12.3"),
        bot_message("2026-11-25T16:35", 200, "Deployed checkout-web v5.12.2 to production"),
        bot_message("2026-11-25T14:20", 600, "Deployed payments-api v2.40.2 to production"),
        thread_parent(THREADS["dana-release"]),
    ]


# Messages of #payments-team on the first history page; the rest are on the second.
SLACK_FIRST_PAGE = 6
HISTORY_CURSOR = "bmV4dF90czoxNzk1NjE2MzIwMDAwMzAw"


def slack_headers(name):
    return {"content-type": "application/json; charset=utf-8",
            "x-slack-req-id": digest("slack", name)[:32],
            "x-oauth-scopes": "channels:read,channels:history,channels:join,groups:read,"
                              "groups:history,users:read,users:read.email,chat:write,team:read",
            "x-accepted-oauth-scopes": ""}


def history_page(messages, cursor):
    return {"ok": True, "messages": messages, "has_more": bool(cursor), "pin_count": 0,
            "channel_actions_ts": None, "channel_actions_count": 0,
            "response_metadata": {"next_cursor": cursor}}


def slack_routes():
    routes = []
    api = "/slack/api"

    members = ([slackbot_member()] + [slack_member(p) for p in PEOPLE] +
               [bot_member(DEPLOY_BOT), bot_member(ASYNC_BOT), former_member()])
    cache_ts = int(NOW.timestamp())
    first = {"ok": True, "members": members[:6], "cache_ts": cache_ts,
             "response_metadata": {"next_cursor": USERS_CURSOR}}
    second = {"ok": True, "members": members[6:], "cache_ts": cache_ts,
              "response_metadata": {"next_cursor": ""}}
    body = write_json("slack/users.list.page-1.json", first)
    routes.append(route("GET", f"{api}/users.list", {}, body, slack_headers("users-1")))
    body = write_json("slack/users.list.page-2.json", second)
    routes.append(route("GET", f"{api}/users.list", {"cursor": USERS_CURSOR}, body,
                        slack_headers("users-2")))

    team = team_channel_messages()
    pages = [(team[:SLACK_FIRST_PAGE], HISTORY_CURSOR), (team[SLACK_FIRST_PAGE:], "")]
    for number, (messages, cursor) in enumerate(pages, 1):
        body = write_json(f"slack/conversations.history/{CHANNEL_TEAM}.page-{number}.json",
                          history_page(messages, cursor))
        query = {"channel": CHANNEL_TEAM}
        if number == 2:
            query["cursor"] = HISTORY_CURSOR
        routes.append(route("GET", f"{api}/conversations.history", query, body,
                            slack_headers(f"history-{number}")))
    body = write_json(f"slack/conversations.history/{CHANNEL_RELEASES}.json",
                      history_page(releases_channel_messages(), ""))
    routes.append(route("GET", f"{api}/conversations.history", {"channel": CHANNEL_RELEASES},
                        body, slack_headers("history-releases")))

    for name, thread in THREADS.items():
        messages = thread_replies(thread)
        parent_ts = messages[0]["ts"]
        replies = {"ok": True, "messages": messages, "has_more": False,
                   "response_metadata": {"next_cursor": ""}}
        body = write_json(f"slack/conversations.replies/{thread['channel']}-{parent_ts}.json",
                          replies)
        routes.append(route("GET", f"{api}/conversations.replies",
                            {"channel": thread["channel"], "ts": parent_ts}, body,
                            slack_headers(f"replies-{name}")))

    posted_ts = slack_ts("2026-11-26T09:00:04", 200)
    text = "Payments standup for Thursday 26 November"
    posted = {"ok": True, "channel": CHANNEL_TEAM, "ts": posted_ts,
              "message": {"user": ASYNC_BOT["user"], "type": "message", "ts": posted_ts,
                          "bot_id": ASYNC_BOT["bot"], "app_id": ASYNC_BOT["app"], "text": text,
                          "team": TEAM_ID, "blocks": rich_text(text),
                          "bot_profile": {"id": ASYNC_BOT["bot"], "deleted": False,
                                          "name": ASYNC_BOT["name"],
                                          "updated": int(at("2026-09-01T10:00").timestamp()),
                                          "app_id": ASYNC_BOT["app"],
                                          "icons": {"image_36": f"{SLACK_AVATARS}/async_36.png",
                                                    "image_48": f"{SLACK_AVATARS}/async_48.png",
                                                    "image_72": f"{SLACK_AVATARS}/async_72.png"},
                                          "team_id": TEAM_ID}}}
    body = write_json("slack/chat.postMessage.json", posted)
    routes.append(route("POST", f"{api}/chat.postMessage", {}, body, slack_headers("post")))
    return routes


# ---------------------------------------------------------------------------------------
# Identities

def identities_toml():
    lines = [
        "# Who is who in the demo workspace. E-mail resolves most accounts; `accounts` lists",
        "# only what e-mail cannot: Jira accounts that hide their address, and GitHub accounts",
        "# without a public e-mail. Commits with a GitHub noreply address resolve through the",
        "# account id inside the address.",
        "",
    ]
    for person in PEOPLE:
        emails = [person["email"]]
        accounts = []
        if person["github"] and person["github"][2] is None:
            accounts.append(f"github:{person['github'][1]}")
        if person["jira"][2] is None:
            accounts.append(f"jira:{person['jira'][0]}")
        lines += [
            "[[person]]",
            f'id = "{person["id"]}"',
            f'name = "{person["name"]}"',
            "emails = [" + ", ".join(f'"{e}"' for e in emails) + "]",
            "accounts = [" + ", ".join(f'"{a}"' for a in accounts) + "]",
            "",
        ]
    members = [p["id"] for p in PEOPLE if p["id"] != "morgan"]
    lines += [
        "[[team]]",
        'id = "payments"',
        'name = "Payments"',
        "members = [" + ", ".join(f'"{m}"' for m in members) + "]",
        'managers = ["morgan", "dana"]',
    ]
    (DEMO_DIR / "identities.toml").write_text("\n".join(lines) + "\n")


def main():
    routes = github_routes() + slack_routes() + jira_routes()
    write_json("routes.json", {"routes": routes})
    identities_toml()


if __name__ == "__main__":
    main()
