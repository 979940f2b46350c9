"""The blameless check: sentences that blame people rather than systems, with a better question.

A rule engine, deliberately precise: a false positive teaches authors to ignore the check. A
sentence is flagged when it shows one of seven kinds of blame, most specific first:
be-more-careful (an action item asking people to try harder), hindsight, human-error (the
phrase as a cause), blame-cause (a person as the cause, by possessive, "by" or noun), judgement
(of character or effort), mistake-marker ("accidentally", "the wrong host" on a person's act)
and slip (a person as the subject of a lapse, the subject carried across "but/and/then").
A person doing something neutral, software as the subject, prevention wording ("to reduce the
chance of human error") and triage hypotheses pass clean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """A sentence to reconsider: quoted as written, why, the systemic question, and its kind."""

    sentence: str
    why: str
    suggestion: str
    kind: str = "blame"


# Each kind: why it is blame (with {who} for the subject), and the question to ask instead.
KINDS: dict[str, tuple[str, str]] = {
    "be-more-careful": (
        "asks people to try harder instead of changing the system",
        "Ask what guardrail would catch this: a check, an automation or a safer default "
        "that works on a bad day too.",
    ),
    "hindsight": (
        "judges a past decision with hindsight",
        "Ask what would have made this visible at the time: which signal, doc or check was "
        "missing?",
    ),
    "human-error": (
        "stops at human error as the cause",
        "Ask which step or tool made this error easy to make, and what would make it hard.",
    ),
    "blame-cause": (
        "names {who} as the cause of a failure",
        "Name the change and the path it took, not its author: which check let it reach "
        "production?",
    ),
    "judgement": (
        "judges people instead of describing what happened",
        "Describe what people saw and did at the time, then ask what made that the "
        "reasonable path.",
    ),
    "mistake-marker": (
        "marks an act by {who} as a mistake",
        "Describe the act plainly, then ask what made the wrong target look like the right "
        "one: how could the tool show the difference?",
    ),
    "slip": (
        "names {who} as the one who slipped",
        "Ask what made the slip easy: what made the wrong command easy to run, or the step "
        "easy to skip, and what would catch it?",
    ),
}
_WHO = {"person": "a person", "team": "a team or role", "we": "the team writing this"}


def _wordset(text: str) -> frozenset[str]:
    """The space-separated words of a vocabulary."""
    return frozenset(text.split())


def _words(text: str) -> str:
    """A regex alternation of the space-separated words (a word may hold `\\s+` or `-`)."""
    return "(?:" + "|".join(text.split()) + ")"


# --- Splitting -------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*•‣◦>]+|\d+[.)])\s+")
_BREAK = re.compile(r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<=[.!?])\s+|\s+•\s+")
_NORMALISE = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "*": None, "`": None})

# --- Who can be the subject ------------------------------------------------------------------

_DET = _words("the a an our their his her one some another any each every this that all")
# A Slack mention, with or without its label, or a typed "@name".
_MENTION = re.compile(
    r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>|(?<![\w<@.])@(?!here\b|channel\b|everyone\b)[A-Za-z][\w.-]*\w"
)
_ROLE_NOUN = _words(
    r"engineers? developers? devs? programmers? coders? sres? sysadmins? admins?"
    r" administrators? dbas? on-?call(?:ers?)? responders? reviewers? approvers? authors?"
    r" maintainers? committers? contributors? deployers? interns? contractors? consultants?"
    r" technicians? employees? staff(?:ers?)? hires? newcomers? juniors? ic"
    r" incident\s+commanders? team(?:s|mates?)? colleagues? members? analysts? specialists?"
    r" architects? testers? person people humans? individuals? folks qa ops devops noc"
    r" release\s+managers? (?:support|help\s*desk)\s+(?:agents?|staff|engineers?|team)"
    r" customer\s+(?:support|success|service)"
)
# Software shares these names (a Kubernetes operator, a connection manager): human verbs only.
_AMBIGUOUS_NOUN = _words("operators? managers? owners? leads?")
_ROLE_TAIL = (
    r"(?:\s+(?:on[\s-]?call|on\s+duty|on\s+shift|on\s+(?:the\s+)?rotation|in\s+charge|involved"
    r"|in\s+question|(?:responsible|assigned)\s+(?:for|to)\s+(?:the|this|that)\s+[\w-]+"
    r"|(?:of|from|on|for)\s+(?:the|that|this)\s+[\w-]+(?:\s+team)?))?"
)
# A role is found by its noun, then widened back to its determiner: "the vendor's engineer".
_ROLE = re.compile(
    rf"(?<![\w-])(?:{_ROLE_NOUN}\s+)?(?P<noun>{_ROLE_NOUN}|{_AMBIGUOUS_NOUN})(?![\w-]){_ROLE_TAIL}"
)
_ROLE_LEAD = re.compile(rf"\b(?:{_DET}|[\w-]+'s)\s+(?:[\w'-]+\s+){{0,2}}$")
_AMBIGUOUS = re.compile(_AMBIGUOUS_NOUN)
# Of an operator or a manager, only these modifiers say it is a person ("the night operator").
_HUMAN_MODIFIERS = _wordset(
    """human night day shift on-call oncall duty plant control-room console senior junior new
    engineering product project service program account team incident release delivery site
    floor line the a an our their this that one another every each any some"""
)
_TEAM = re.compile(
    r"\b(?:QA|Support|Ops|SREs?|Devs?|DevOps|Engineering|Security|Infra(?:structure)?|IT|DBAs?|NOC|SOC"
    r"|Helpdesk|On-?[Cc]all|Oncall|IC|NetOps|SecOps|Customer\s+(?:Support|Success))(?![\w-])"
)
# "Whoever set up the job" is one subject: its clause runs up to the verb that follows.
_PRONOUN = re.compile(
    r"\b(?:he|she|someone|somebody|anyone|anybody|whoever(?:\s+(?!(?:didn't|did|never|failed"
    r"|forgot|skipped|ignored|missed|should|was|were|is|had|has)\b)[^\s,;]+){0,6})\b",
)
# "Engineer A", "team-member-1", and initials such as "YP" stand for people in many write-ups.
_PLACEHOLDER = re.compile(
    r"\b(?:[Tt]eam[- ][Mm]ember|[Ee]ngineer|[Dd]eveloper|[Oo]perator|[Aa]dmin|SRE|[Pp]erson"
    r"|[Ee]mployee)[-_ ]?(?:#?\d+|[A-Z])\b"
)
_INITIALS = re.compile(r"(?<![\w@<|'./-])[A-Z]{2}(?![\w'/-])")
_ACRONYMS = _wordset(
    """CI CD DB QA IT OS UI UX IO IP ID HA DR AZ US EU UK PR VM DC LB NS MX TX RX OK PM AM ET PT
    IC ML AI JS TS GC FS TZ HQ VP PO MR SQ CA DE FR JP IN"""
)
_THEY = re.compile(r"\bthey\b")
_WE = re.compile(r"\b[Ww]e\b|(?<![\w'/])I(?![\w'/])")
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_CAPITALISED = re.compile(
    rf"(?<![\w@<|'./-])[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?(?![\w-])"
)
_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|a|an|our|their|his|her|its|these|those|every|each|any|some|to|in|on|of|from|via"
    r"|with|at|into|onto)\s+$"
)
# A capitalised word followed by these reads as an imperative ("Describe the act"), not a name.
_OBJECT_AFTER = re.compile(
    r"\s+(?:the|a|an|what|which|how|why|whether|our|your|their|this|that|these|those|it|them"
    r"|every|all|each|any|some|more|less|to|for|with|up|out)\b"
)
_DENIED = re.compile(r"\b(?:not|never|nor|no)\s+$")  # "the tool, not a person, …"
_NOT_A_NAME = _wordset(
    """
    The This That These Those It Its There Here Then When While After Before During Once
    Because Since Although If So But And Or Also Nothing Nobody Everyone Everybody Anyone
    Something Everything One Each Every All Some Our Their His Her Your My We You He She They
    Who Which What Why How Where No Not Later Finally Meanwhile Eventually Initially Around
    Unfortunately Today Yesterday Tonight Tomorrow Morning Afternoon Evening Night Weekend
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December Root Cause Impact Summary Timeline
    Detection Resolution Mitigation Action Owner Status Severity Incident Postmortem Alert Page
    Pager Dashboard Runbook Config Code Review Tests Test Build Pipeline Job Cron Script Worker
    Queue Production Prod Staging Canary Backup Backups Replication Failover Checkout Billing
    Payments Search Login Auth Cache Database Primary Replica Leader Node Cluster Pod Service
    Traffic Latency Users Customers Deploy Release Rollback Rollout Step Phase Stage Please
    Always Never Again Next Going Add Make Ensure Update Move Use Run Set Stop Start Restarting
    Note Update Lesson Lessons Contributing Factors Trigger Detected Resolved Mitigated
    Declared Acknowledged Paged Escalated Observed Confirmed Identified Kernel Disk At In On By
    For From To With Without Over Under Per Via As About Between Until Within An Up Down Out
    Off Into Onto Upon Near Across Along Among Against Despite Except Like Than Hypothesis
    Theory Follow Followup Item Items Fix Fixes Outcome Result Results Context
    """
)
_SYSTEM_NAMES = _wordset(
    """
    Postgres Postgresql Redis Kafka Kubernetes Terraform Jenkins Nginx Consul Vault Docker
    Envoy Istio Grafana Prometheus Datadog Sentry Elasticsearch Cloudflare Airflow Argo Flux
    Helm Celery Sidekiq Nomad Puppet Chef Ansible Salt Spinnaker Travis Buildkite Loki Tempo
    Thanos Cortex Hadoop Spark Presto Trino Druid Cassandra Mongo Patroni Vitess Zookeeper Etcd
    Calico Cilium Traefik Apache Tomcat Gunicorn Django Rails Node Bazel Gradle Maven Jira
    Slack Zoom Okta Stripe Twilio Fastly Akamai Heroku Vercel Netlify Renovate Chrome Safari
    Firefox Linux Windows Ubuntu Debian Alpine Lambda Fargate Aurora Kinesis Pulsar Memcached
    Varnish Ceph Minio Snowflake Looker Kibana Logstash Fluentd Vector Velero Karpenter Knative
    Tekton Crossplane Pulumi Packer Vagrant Podman Containerd Kubelet Alertmanager Opsgenie
    Nagios Zabbix Honeycomb Splunk Bigtable Spanner Dynamo Azure Git Github Gitlab Bitbucket
    Cron Systemd Java Python Ruby Golang Rust Kotlin Swift Android
    """
)

# --- Between a subject and its verb ----------------------------------------------------------

_ADVERB = _words(
    r"also then just simply apparently clearly obviously again completely totally probably"
    r" unfortunately later subsequently initially first still quickly ultimately eventually"
    r" inadvertently accidentally mistakenly unknowingly unintentionally repeatedly somehow"
    r" evidently seemingly allegedly previously already originally once twice had has have"
    r" himself herself themselves personally manually even who that routinely often sometimes"
    r" usually regularly frequently always"
)
_APPOSITIVE = r"(?:\s*\([^)]{1,40}\)|\s*,\s+(?!(?:and|but|then|so|which)\b)[^,;]{1,50},)?"
_RELATIVE = r"(?:\s+(?:who|that)(?:\s+[^\s,;]+){1,8}?)?"
_LINK = rf"{_APPOSITIVE}{_RELATIVE}(?:\s*,)?(?:\s+{_ADVERB})*\s+"
# A clause that carries the subject on: "X used the tool … but forgot to …".
_CONJ = re.compile(
    r"(?:,?\s+(?:but|and|yet|so)(?:\s+then)?|(?<!which)(?<!that)(?<!\bit)(?<!who)(?<!they)"
    rf"\s+then|,\s*then)(?:\s+{_ADVERB})*\s+",
)
# A new clause with its own subject ends the carried one.
_CLAUSE_BREAK = re.compile(
    r"[;:—–]|\b(?:because|since|when|while|after|as|although|though|which|where|until|if"
    r"|whereas|whose)\b",
)


def _after(phrases: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The phrase right after a subject, and the bare phrase (for after a conjunction)."""
    return (
        re.compile(rf"{_LINK}(?:{phrases})(?![\w-])"),
        re.compile(rf"(?:{phrases})(?![\w-])"),
    )


# --- What a person can do wrong --------------------------------------------------------------

_NOT = r"(?:didn't|did\s+not|didnt|never|hadn't|had\s+not|failed\s+to|neglected\s+to|omitted\s+to)"
_HUMAN_OBJECT = (
    r"(?:(?:the|an?|all|our|their|his|her|its|several|multiple|two|three|every|each|both)\s+)?"
    r"(?:[\w-]+\s+){0,2}?"
    + _words(
        r"alerts? alarms? warnings? pages? pager notifications? messages? emails? calls? pings?"
        r" tickets? runbooks? playbooks? checklists? procedures? process steps? instructions?"
        r" docs documentation guides? advice guidance policy policies feedback review comments?"
        r" handover handoff escalation signs? symptoms? dashboards? graphs? diff pr"
        r" pull\s+request prompt confirmation banner notice"
    )
)
# "… without testing", "… without getting it reviewed": a step left out.
_WITHOUT = (
    r"(?:without|w/o)\s+(?:(?:first|properly|any|proper|even|actually|really|carefully|fully"
    r"|thoroughly)\s+)?(?:test\w*|review\w*"
    r"|check\w*|approv\w*|running|waiting|reading|looking|asking|backups?|backing|verif\w*"
    r"|validat\w*|double-check\w*|dry|drain\w*|notif\w*|tell\w*|inform\w*|confirm\w*"
    r"|rollback|coordinat\w*|announc\w*|warn\w*|pag\w*|getting|consult\w*|follow\w*"
    r"|sign-?off|a\s+(?:review|backup|rollback\s+plan|ticket|dry|second|where\s+clause))"
)
_BAD = r"(?:bad|broken|buggy|faulty|untested|unreviewed|wrong|incorrect|half-baked|breaking)"
_CHANGE_VERB = r"(?:pushed|shipped|merged|deployed|committed|wrote|approved|released|rolled\s+out)"
_PURE_SLIP = "|".join(
    (
        r"forg[oe]t(?:ten)?(?!\s+(?:nothing|none)\b)",
        r"mis-?(?:read|configured|typed|judged|understood|interpreted|remembered|spelled|spelt"
        r"|clicked|labell?ed|applied|handled|managed)|mistook|overlooked|neglected",
        r"fat[- ]?fingered|rubber[- ]?stamped|slept\s+through|dropped\s+the\s+ball",
        r"(?:messed|screwed|mucked|fouled)\s+up|botched|bungled|blundered|goofed|flubbed",
        r"(?:mixed|confused)\s+up|confused\s+(?:\S+\s+){1,3}?(?:with|and|for)",
        r"made\s+(?:an?\s+|another\s+|several\s+|some\s+)?(?:[\w-]+\s+)?"
        r"(?:mistake|error|blunder|typo|slip|wrong\s+call|bad\s+call)s?",
        rf"{_CHANGE_VERB}\s+(?:an?\s+|some\s+|the\s+|their\s+|his\s+|her\s+)?{_BAD}",
        rf"{_NOT}\s+(?:even\s+)?(?:bother|read|pay\s+(?:any\s+)?attention|heed|double-check)",
    )
)
_STRONG = "|".join(
    (
        _PURE_SLIP,
        r"rushed\s+(?:through|the|a|an|his|her|their|it)|cut\s+corners",
        r"skip(?:s|ped)?|bypass(?:es|ed)?|circumvent(?:s|ed)?|side-?stepped|disregarded"
        r"|forgets?|overlooks?|misreads?|misconfigures?",
        r"(?:chose|decided)\s+to\s+(?:ignore|skip|bypass|disregard)|waved\s+(?:\S+\s+){0,3}?through"
        r"|deviated\s+from|glossed\s+over|skimmed",
        rf"ignored\s+{_HUMAN_OBJECT}",
        rf"(?:[\w-]+ed|ran|did|made|took|went|wrote)\s+(?:\S+\s+){{0,5}}?{_WITHOUT}",
        r"(?:was|were)\s+(?:supposed|meant|expected|asked)\s+to\s+(?:\S+\s+){0,8}?(?:but|and)\s+"
        r"(?:didn't|did\s+not|never|forgot|failed)",
        r"(?:pushed|committed|deployed)\s+(?:\S+\s+){0,3}?(?:straight|directly)\s+to\s+"
        r"(?:prod|production|main|master|live)",
    )
)
_HUMAN = "|".join(
    (
        _STRONG,
        rf"{_NOT}\s+(?:even\s+)?(?:notic|realis|realiz|look|follow|listen|react|respond"
        r"|acknowledg|escalat|communicat|investigat)\w*",
        rf"{_NOT}\s+(?:even\s+)?(?:act|ack|answer|reply|replied|think|consider|care)\b",
        rf"missed\s+{_HUMAN_OBJECT}",
        r"did\s+nothing|took\s+no\s+action|sat\s+on\s+(?:it|the)",
        rf"{_NOT}\s+(?:add|write|set\s+up|configure|include)\w*\s+(?:any\s+|an?\s+)?(?:alert"
        r"|alerting|monitoring|tests?|rollback|backup|runbook|docs)",
        r"never\s+(?:told|informed|warned|mentioned)|(?:didn't|did\s+not)\s+(?:tell|inform|warn"
        r"|mention)",
        r"(?:wasn't|weren't|was\s+not|were\s+not)\s+(?:watching|looking|monitoring|reading"
        r"|following)",
    )
)
_DILIGENT = "|".join(
    (
        _HUMAN,
        rf"{_NOT}\s+(?:even\s+)?(?:check|test|verif|validat|review|confirm|monitor|updat|ask|page"
        r"|notif|coordinat|document|wait|drain|revert|announce|consult)\w*",
        rf"{_NOT}\s+(?:even\s+)?(?:run|ran|see|saw|spot|catch|lock|stage|roll\s+back|back\s+up"
        r"|loop\s+in|hand\s+over)\b(?!\s+(?:any|anything|a\s+single)\b)",
    )
)
_VICTIM = _words(
    r"log sign connect reach access get load authenticate reproduce receive open join find"
    r" start boot ssh hear locate obtain acquire download upload"
)
_GENERIC = "|".join(
    (
        _DILIGENT,
        rf"failed\s+to\s+(?!{_VICTIM}\b)[a-z]+",
        r"missed(?!\s+(?:nothing|no|none|(?:its|their|our|the|an?)\s+(?:\w+\s+)?(?:slos?|slas?"
        r"|targets?|objectives?|goals?|error\s+budget))\b)|ignored",
        rf"never\s+(?!(?:{_VICTIM}|got|received|heard|saw|learned|knew|needed|had|worked|used|been"
        r"|touched|operated|encountered|experienced|met|visited|joined)\b)[a-z]+ed\b",
        r"broke(?:n)?(?!\s+(?:down|up|out|even|ground|the\s+news|into)\b)"
        r"(?!(?:\s+[\w-]+){0,3}\s+(?:into|apart)\b)",
    )
)
_CAUSE = "|".join(
    (
        r"caused\s+(?:the|this|that|an?)\s+(?:[\w-]+\s+)?(?:outage|incident|failure|problem"
        r"|issue|downtime|bug|breakage|regression|errors?|data\s+loss|corruption|degradation)",
        r"introduced\s+(?:the|this|that|an?)\s+(?:[\w-]+\s+)?(?:bug|regression|typo|error"
        r"|mistake|outage|issue|problem)",
        r"(?:took|brought|knocked)\s+(?:down|over)\s+\S+|(?:took|brought|knocked)\s+\S+\s+down",
        r"(?:was|were|is|are)\s+(?:directly\s+|solely\s+|ultimately\s+)?responsible\s+for\s+"
        r"(?:the|this)\s+(?:[\w-]+\s+)?(?:outage|incident|failure|breakage|downtime|data\s+loss)",
        r"(?:was|were|is)\s+(?:the\s+)?(?:root\s+)?(?:cause|culprit)",
    )
)
_TRAIT = (
    r"(?:was|were|is|are|had\s+been|has\s+been|being|seemed|appeared)\s+(?:\w+\s+)?"
    r"(?:careless|lazy|sloppy|negligent|reckless|incompetent|inattentive|complacent"
    r"|irresponsible|cavalier|clueless|to\s+blame|at\s+fault)"
    r"|(?:wasn't|weren't|was\s+not|were\s+not)\s+(?:being\s+)?(?:careful|thorough|focused"
    r"|diligent|paying\s+(?:close\s+|enough\s+)?attention)"
    r"|(?:didn't|did\s+not|lacked)\s+(?:have\s+)?(?:the\s+|enough\s+)?(?:knowledge|experience"
    r"|skills?|expertise|competence|know-how)\b"
)

_PURE_AFTER = _after(_PURE_SLIP)
_STRONG_AFTER = _after(_STRONG)
_HUMAN_AFTER = _after(_HUMAN)
_DILIGENT_AFTER = _after(_DILIGENT)
_GENERIC_AFTER = _after(_GENERIC)
_CAUSE_AFTER = _after(_CAUSE)
_TRAIT_AFTER = _after(_TRAIT)
# "… because the alert had been flapping all week" explains a lapse by the system.
_SYSTEM_REASON = re.compile(
    r"\b(?:because|since|as|given\s+that|per|following)\s+(?:of\s+)?(?:the|it|this|that|there"
    r"|no|nothing|a|an|our|its|every|each|all|alerts?|dashboards?|runbooks?|tooling|docs)\b"
    r"|\bas\s+(?:instructed|documented|the\s+runbook)",
)

# --- Mistake markers on an ordinary act ------------------------------------------------------

_MARKER = re.compile(
    r"\b(?:mistakenly|accidentally|accidently|inadvertently|unintentionally|unknowingly"
    r"|unwittingly|erroneously|wrongly|by\s+mistake|by\s+accident|in\s+error|(?:not|without)\s+"
    r"(?:realis|realiz|notic)\w*|unaware\s+that)\b",
)
_WRONG_TARGET = re.compile(
    r"\b(?:the|a)\s+wrong\s+(?:[\w-]+\s+)?"
    + _words(
        r"branch host hostname server node cluster region zone database db file environment env"
        r" table bucket account instance machine box config key version tag image namespace"
        r" project directory folder volume disk shard service command flag script terminal tab"
        r" window credentials replica primary datacenter subnet vpc repo repository target"
        r" channel customer tenant org site record value setting port pod container deployment"
        r" release commit migration schema index rows? certificate cert button option one"
        r" workspace context kubeconfig profile stack queue topic partition pool network vm ip"
        r" address url endpoint cable switch router drive link circuit breaker plug rack patch"
        r" order sequence steps? timezone units? way direction"
    )
    + r"\b|\b(?:instead\s+of|rather\s+than)\s+(?:on\s+|in\s+|to\s+)?(?:the\s+)?"
    r"(?:staging|test|dev|sandbox|replica|secondary|standby|canary)\b"
    r"|\b(?:production|prod|live)\b(?:\s+\S+){0,3}?\s+instead\s+of\b"
    r"|\b(?:thinking|believing|assuming|convinced)\s+"
    r"(?:\S+\s+){0,5}?(?:staging|test|dev|sandbox|safe|a\s+test)\b|\b(?:intended|meant)\s+for\s+"
    r"(?:the\s+)?(?:staging|test|dev|sandbox|another|a\s+different)\b|\b(?:than|as)\s+intended\b",
)
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|got|been|being|is|are)\s+$")
# "… when the payment retry fired": a passive whose cause is named is not about a person.
_CAUSE_NAMED_AFTER = re.compile(r"\b(?:when|because|by|after|as|since|due\s+to)\b")
# "so an engineer can't accidentally …", "the wrong branch can no longer be deployed".
_CANNOT_BEFORE = re.compile(
    r"\b(?:can't|cannot|can\s+not|won't|couldn't|wouldn't|no\s+longer|never|impossible\s+to"
    r"|prevents?|stops?|blocks?|refuses?|rejects?)\s+(?:\S+\s+){0,4}$",
)
_CANNOT_AFTER = re.compile(
    r"(?:\s+\S+){0,4}?\s+(?:can|could|will|would)(?:\s+no\s+longer|\s+not|n't|\s+never)|cannot",
)
_MARKER_CLAUSES = re.compile(
    r"[;:—–]|,|\b(?:but|and|then|so|yet|which|because|when|while|after|before|since|until"
    r"|although|though|whereas)\b",
)
# "The deploy was rushed by the team", "the warnings were ignored by the on-call engineer".
_SLIP_PARTICIPLE = (
    r"(?:rushed|botched|bungled|overlooked|ignored|missed|forgotten|skipped|neglected|mishandled"
    r"|misconfigured|misread|rubber-stamped|fat-fingered|messed\s+up|bypassed|mistyped)"
)
_SLIPPED_BY = re.compile(
    rf"\b(?:was|were|got|been|being)\s+(?:\w+\s+)?{_SLIP_PARTICIPLE}\s+(?:\S+\s+){{0,3}}?by\s+$"
)
# "The issue was overlooked during review": no agent named, and only a person overlooks.
_SLIPPED = re.compile(
    r"\b(?:was|were|got|been|being)\s+(?:\w+ly\s+)?(?:overlooked|forgotten|botched|bungled"
    r"|neglected|rubber-stamped|fat-fingered|messed\s+up)\b(?!\s+by\b)"
)
_PAST_VERB = re.compile(
    r"^\W*(?:\d{1,2}:\d{2}\W*)?(?:[A-Za-z]+ed|ran|sent|set|put|took|made|hit"
    r"|chose|picked|wrote|ran|did|went|pushed|ran)\b",
)
# "… the cache was returning …": a thing as the subject of its own clause.
_THING_SUBJECT = re.compile(
    r"\b(?:it|which|that|they|the\s+[\w-]+(?:\s+[\w-]+)?)\s+(?:was|were|is|are|kept|started"
    r"|began|had|has|would|could|then)\b(?!\s+(?:intended|meant|supposed))"
)
_THING_START = re.compile(
    r"\s*(?:[Tt]he|an?|An?|[Ii]ts?|[Tt]his|[Tt]hat|[Tt]hese|[Tt]hose|[A-Z][\w-]*)\b"
)

# --- Blame carried by a cause, a possessive or a noun ----------------------------------------

_FAULT_NOUN = (
    r"(?:mistake|error|fault|slip|blunder|oversight|screw-?up|mess-?up|negligence|carelessness"
    r"|typo|fat[- ]?finger|lapse|goof|failure\s+to|bad\s+(?:deploy|change|push|commit|merge"
    r"|config)|botched|faulty|broken|buggy|untested|unreviewed)"
)
_GUESS_AS_CAUSE = re.compile(r"'s\b|\s+\w+ing\b|[.!]?\s*$")
_POSSESSED_FAULT = re.compile(rf"'s?\s+(?:[\w-]+\s+)?{_FAULT_NOUN}")
# "Jenna's change broke the login flow": a person's change as the cause.
_POSSESSED_BREAKAGE = re.compile(
    r"'s?\s+(?:[\w-]+\s+)?(?:change|commit|deploy|deployment|pr|push|config|script|migration"
    r"|edit|update|patch|merge|release)s?\s+(?:\w+ly\s+)?(?:broke|caused|took\s+down|brought"
    r"\s+down|introduced|corrupted|deleted|wiped|triggered\s+the\s+(?:outage|incident))\b"
)
_PRONOUN_FAULT = re.compile(rf"\b(?:his|her|their|your)\s+(?:own\s+)?{_FAULT_NOUN}")
_FAULT_BY = re.compile(
    rf"\b(?:{_FAULT_NOUN}|failure|inaction|inattention|(?:poor|bad|weak|insufficient|inadequate"
    r"|sloppy)\s+(?:communication|judge?ment|diligence|attention|care|discipline|follow-through"
    r"|effort|work))s?\s+(?:made\s+)?(?:by|of|from|on\s+the\s+part\s+of)\s+$"
)
_CAUSED_BY = re.compile(
    r"\b(?:caused|introduced|broken|taken\s+down|brought\s+down|knocked\s+over)\s+"
    r"(?:\S+\s+){0,4}?by\s+$|\b(?:due\s+to|because\s+of)\s+$",
)
# "Root cause: Dave", "the culprit was …", "the fault lies with …", "this one is on …".
_NAMED_AS_CAUSE = re.compile(
    r"\b(?:root\s+cause\s*(?:was|is|:|-|—)|the\s+cause\s+(?:was|is)|culprit\s+(?:was|is)"
    r"|(?:fault|blame|responsibility)\s+(?:\w+\s+){0,4}?(?:lies|lay|rests|rested|falls|fell"
    r"|sits)\s+(?:squarely\s+|solely\s+|entirely\s+)?(?:with|on)|(?:this|that|it|outage|incident"
    r"|failure|loss|breakage|downtime)(?:\s+one)?"
    r"\s+(?:is|was)\s+(?:all\s+|squarely\s+|entirely\s+)?on)\s*$",
)
# Any act "by" a person, but not a repair: "the faulty disk was replaced by …" is no blame.
_CHANGED_BY = re.compile(
    r"\b(?!(?:replaced|fixed|reverted|removed|repaired|restored|resolved|mitigated|found|spotted"
    r"|caught|noticed|identified|detected|reported|flagged|discovered|diagnosed|investigated"
    r"|escalated|patched|rolled)\b)(?:[\w-]+ed|run|ran|made|written|done|rolled\s+out)\s+"
    r"(?:\S+\s+){0,3}?by\s+$",
)
_BADNESS = re.compile(
    rf"\b(?:{_BAD}|offending|erroneous|problematic|culprit)\b|\b(?:that|which)\s+(?:caused"
    r"|broke|took\s+down|triggered\s+the\s+(?:outage|incident))|\bwithout\s+(?:review|testing"
    r"|approval|a\s+review)|\bnot\s+(?:properly\s+|adequately\s+|fully\s+|been\s+)?(?:tested"
    r"|reviewed|checked|verified|validated)",
)
_HUMAN_ERROR = re.compile(
    r"\b(?:(?:human|operator|manual|user|pilot|engineer|engineering|developer|personnel|people"
    r"|keyboard|clerical)\s+(?:errors?|mistakes?|oversights?|slips?)|human\s+failures?"
    r"|fat[- ]?finger(?:ed)?\s+(?:errors?|mistakes?)|an?\s+fat[- ]?finger|pebkac|pebcak"
    r"|id-?10-?t"
    r"|layer[\s-]?8\s+(?:issue|problem|error)|(?:a|the)\s+people\s+(?:problem|issue|thing))\b"
    r"(?!\s+(?:rates?|counts?|budgets?|messages?|pages?|spikes?|logs?|codes?|responses?"
    r"|handling|reporting|metrics?))",
)
_HUMAN_ERROR_IS_NO_CAUSE = re.compile(
    r"\s+(?:is|was|are)\s+(?:\w+\s+)?(?:inevitable|normal|expected|a\s+symptom|never|not"
    r"|unavoidable|always\s+possible|a\s+starting|going\s+to\s+happen)"
    r"|(?:\s+\w+){0,2}?\s+(?:less|unlikely|impossible|harder|rarer)\b",
)
# Words before a phrase that make it prevention or a denial: "to reduce the chance of …".
_PREVENTED = re.compile(
    r"(?:\bno\s+one|\bnobody|\bnot|n't|\bwithout|\bnever|\bno|\breduc\w*|\bprevent\w*"
    r"|\beliminat\w*|\bavoid\w*|\bminimi[sz]\w*|\blower\w*|\blimit\w*|\bagainst|\bprone\s+to"
    r"|\b(?:risk|risks|chance|chances|likelihood|possibility|probability|odds)\s+of|\broom\s+for"
    r"|\bscope\s+for|\bpotential\s+for|\bopportunit\w+\s+for|\bmitigat\w*|\bremov\w*"
    r"|\brather\s+than|\binstead\s+of|\bbeyond|\bblam\w*|\battribut\w+|\blabel\w*|\bcall\w*"
    r"|\bstop\w*\s+at|\bcatch\w*|\bdetect\w*|\bcover\w*|\babsorb\w*|\bsurviv\w*|\bhandl\w*"
    r"|\btolera\w*|\bresilien\w*|\brel(?:y|ies|ied|ying)\s+on|\bdepend\w*\s+on|\bhard\s+to"
    r"|\beasy\s+to|\bdifficult\s+to|\bfree\s+(?:of|from)|\bguard\w*|\bsafe\w*|\bsafer)"
    r"\s+(?:[\w'-]+\s+){0,5}$",
)

# --- Judgements ------------------------------------------------------------------------------

_JUDGEMENT = re.compile(
    r"\b(?:careless(?:ly|ness)?|negligen(?:t|tly|ce)|sloppy|sloppily|sloppiness"
    r"|incompeten(?:t|tly|ce)|reckless(?:ly|ness)?|irresponsib(?:le|ly|ility)|unprofessional"
    r"|inexcusabl[ey]|no\s+excuse|cowboy|complacen(?:t|cy)|lapse\s+in\s+judge?ment"
    r"|(?:poor|bad|questionable)\s+judge?ment|lack\s+of\s+(?:care|attention|diligence"
    r"|discipline|rigou?r|professionalism|competence|common\s+sense)|(?:rookie|stupid|dumb"
    r"|silly|amateur|unforced|avoidable|obvious|basic)\s+(?:mistake|error|blunder)s?"
    r"|knew\s+better|asleep\s+at\s+the\s+wheel|(?:couldn't|could\s+not)\s+be\s+bothered"
    r"|lazy\s+(?:engineer|developer|person|people|reviewer|review|approach)s?"
    r"|hold\s+(?:\w+\s+){0,3}?accountable|disciplinar\w+|reprimand\w*|punish\w*"
    r"|(?:nobody|no\s+one|no-one)\s+(?:even\s+)?(?:bothered|cared))(?![\w-])",
)
_BLAME = re.compile(
    r"\b(?:to\s+blame|at\s+fault|blam(?:e|ed|es|ing)(?!\s+(?:the\s+)?(?:system|process|tool"
    r"|tooling|pipeline|culture|game)\b))(?![\w-])",
)
_GIT_BLAME = re.compile(r"\b(?:git|svn|hg)\s+blame\b")
_NEGATED = re.compile(
    r"(?:\bno\s+one|\bnobody|\bnothing|\bnot|n't|\bwithout|\bnever|\bno|\bavoid\w*|\brather\s+than"
    r"|\binstead\s+of|\bfree\s+(?:of|from)|\bnor)\s+(?:[\w'-]+\s+){0,3}$",
)

# --- Hindsight -------------------------------------------------------------------------------

_SHOULD = r"\b(?:should(?:'ve|\s+have)|shouldn't\s+have|should\s+not\s+have|ought\s+to\s+have)"
_MENTAL = (
    r"(?:known|noticed|realised|realized|spotted|foreseen|anticipated|remembered|double-checked"
    r"|been\s+(?:more\s+|much\s+more\s+)?(?:careful|attentive|vigilant|thorough|cautious)"
    r"|paid\s+(?:more\s+|closer\s+)?attention|thought\s+(?:to|about|twice|of)|asked|listened"
    r"|read|looked|followed|waited|escalated|caught|checked|tested|verified|reviewed|validated"
    r"|prevented|stopped|seen|detected|flagged|questioned|pushed\s+back)"
)
_SHOULD_MENTAL = re.compile(rf"{_SHOULD}\s+(?:\w+ly\s+)?{_MENTAL}\b")
_SHOULD_ANY = _after(rf"{_SHOULD}\s+(?!had\b|been\b|to\b)\w+")
_SHOULD_BEEN = re.compile(
    rf"{_SHOULD}\s+been\s+(?:\w+ly\s+)?(?:caught|noticed|spotted|flagged|detected|found|seen"
    r"|questioned|challenged|reviewed|tested|checked|verified|validated|obvious|apparent"
    r"|picked\s+up|raised|escalated|avoided|prevented|double-checked)\b"
    r"(?!\s+(?:by|with|in|through|via)\s+(?:the\s+|our\s+|a\s+|an\s+|automated\s+)?(?:ci|tests?"
    r"|test\s+suite|pipeline|linter|lint|canary|monitoring|alerting|alerts?|automation|checks?"
    r"|static|pre-?commit|health|smoke|integration|unit|staging|schema|type)\b)",
)
_SYSTEM_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|our|this|that|its|their|your|these|those)\s+(?:[\w-]+\s+){1,3}"
    r"|\b(?:it|this|that|which)\s+)$",
)
_WOULD = r"would(?:'ve|\s+have)\s+(?:\w+ly\s+)?"
_WOULD_KNOWN = re.compile(
    rf"\b{_WOULD}(?:known|realised|realized|remembered|understood|thought\s+to)\b"
)
_WOULD_AFTER = _after(
    rf"{_WOULD}(?:known|noticed|seen|caught|spotted|realised|realized|understood|recognised"
    r"|recognized|prevented|avoided|found|figured|guessed|remembered)"
)
_ANYONE_WOULD = re.compile(
    r"\b(?:anyone|anybody|any\s+(?:\w+\s+)?(?:engineer|person|developer|operator|sre|reviewer)"
    r"|an?\s+(?:careful|competent|diligent|attentive|experienced|more\s+experienced|senior"
    r"|reasonable|good|better|more\s+careful|seasoned)\s+(?:\w+\s+)?(?:engineer|person"
    r"|developer|operator|sre|reviewer|on-?call\w*|dba|admin)|a\s+second\s+pair\s+of\s+eyes"
    r"|a\s+(?:simple|quick|basic|cursory|brief|single)\s+(?:check|look|glance|test|review"
    r"|search|grep|query|read))\b(?:\s+\S+){0,7}?\s+(?:would|could)(?:'ve|\s+have)\b",
)
# "… with a canary", "if the alert had fired": the counterfactual is about the system.
_SYSTEM_ENABLER = re.compile(
    r"\b(?:if|had)\s+(?:the|a|an|our|any|this|that|there|its)\b|\bwith\s+(?:a|an|the|better"
    r"|proper|more|automated|an?\s+\w+)\b|\bhad\s+there\s+been\b",
)
_IF_HAD_START = re.compile(r"\b(?:if(?:\s+only)?|had|unless)\s+$")
_ATTENTION_VERB = (
    r"(?:read|checked|looked|followed|paid|been\s+(?:more\s+)?(?:careful|paying|attentive"
    r"|thorough|vigilant)|double-checked|noticed|listened|bothered|thought|heeded|consulted"
    r"|remembered|realised|realized|known)"
)
_IF_HAD_AFTER = re.compile(
    rf"{_LINK}(?:had\s+)?(?:(?:just|simply|only|actually|properly|carefully|bothered\s+to)\s+)*"
    rf"(?:{_ATTENTION_VERB}|tested|waited|asked|reviewed|verified|escalated|communicated|run"
    r"|used|not\s+\w+|never\s+\w+|didn't|hadn't)\b",
)
_IF_WE_HAD_AFTER = re.compile(
    rf"{_LINK}(?:had\s+)?(?:(?:just|simply|only|actually|properly|carefully)\s+)*"
    rf"{_ATTENTION_VERB}\b",
)
_HINDSIGHT_PHRASE = re.compile(
    r"\b(?:(?:easily|entirely|completely|totally|wholly|clearly)\s+(?:avoidable|preventable)"
    r"|could\s+(?:easily\s+have|have\s+easily|have\s+(?:so\s+)?simply)\s+been\s+(?:avoided"
    r"|prevented)|should\s+(?:have\s+)?known\s+better|it\s+was\s+obvious\s+that"
    r"|in\s+(?:hindsight|retrospect),?\s+(?:it\s+(?:was|is|seems)\s+)?obvious"
    r"|(?:the\s+)?(?:warning\s+)?signs\s+were\s+(?:all\s+)?(?:there|obvious|ignored|missed)"
    r"|(?:nobody|no\s+one|no-one)\s+(?:\w+\s+)?thought\s+to)\b"
    r"|\bcould\s+have\s+been\s+(?:avoided|prevented)(?!\s+(?:by|with|if|had|through|via|once"
    r"|using)\b)",
)

# Cheap first looks: without one of these words, a family of rules cannot match.
_HINDSIGHT_GATE = re.compile(
    r"should|ought|would|could|\bhad\b|obvious|signs|thought|avoidable|preventable"
)
_CAREFUL_GATE = re.compile(
    r"careful|cautious|vigilant|diligent|attentive|mindful|care\b|caution|attention|twice"
    r"|forget|remember|importance|train|remind|ensure|make\s+sure|see\s+to|must|should|need"
    r"|have\s+to|has\s+to|will|shall|expected|asked|agreed|promised|slow|think|check|always"
    r"|sure|read",
)

# --- "Be more careful" -----------------------------------------------------------------------

_PEOPLE_OBJECT = rf"(?:(?:{_DET})\s+)?(?:[\w-]+\s+){{0,2}}?(?:{_ROLE_NOUN}|{_AMBIGUOUS_NOUN}" + (
    r"|everyone|everybody|them|him|her|all|us|you|yourself|yourselves|themselves)\b"
)
_VIGILANCE = (
    r"(?:(?:be|being|get|stay|remain)\s+(?:much\s+|a\s+lot\s+|a\s+bit\s+|extra\s+|especially"
    r"\s+|more\s+|very\s+|even\s+)*(?:careful|cautious|vigilant|diligent|attentive|mindful)"
    r"|take\s+(?:more|extra|greater|better|special)\s+care|exercise\s+(?:more\s+|extra\s+)?caution"
    r"|pay\s+(?:more\s+|closer\s+|better\s+|extra\s+|careful\s+|close\s+)?attention"
    r"|paying\s+(?:more|closer|better|extra)\s+attention|think\s+twice"
    r"|(?:don't|do\s+not|never)\s+forget\s+to|remember\s+to"
    r"|(?:double|triple)-?check\s+(?:\S+\s+){0,6}?(?:next\s+time|in\s+future|before|every\s+time)"
    r"|(?:review|check|read|test|verify|look|follow)\w*\s+(?:\S+\s+){0,5}?(?:more\s+carefully"
    r"|more\s+attentively|with\s+(?:more|greater|extra)\s+care)"
    r"|(?:stress|emphasi[sz]e|reiterate|reinforce|underline|highlight)\w*\s+the\s+importance\s+of)"
)
_CAREFUL = re.compile(rf"\b{_VIGILANCE}\b")
_RETRAIN = re.compile(
    rf"\b(?:re-?train(?:ing|ed|s)?|remedial\s+training|retraining)\s+(?:for\s+)?{_PEOPLE_OBJECT}"
    r"|\b(?:be|been|being|are|were|was|is|get|got)\s+(?:\w+\s+)?re-?trained\b"
    rf"|\bremind(?:ing|ed|s)?\s+{_PEOPLE_OBJECT}\s*(?:to|that|about|of|again|not)\b"
    r"|\breminders?\s+(?:(?:has|have|was|were|will|be|been|is|are|sent|given|issued|posted|out"
    rf"|went)\s+){{0,4}}(?:to|for)\s+{_PEOPLE_OBJECT}"
    r"|\b(?:be|been|being|are|were|was|is|get|got)\s+(?:\w+\s+)?reminded\s+(?:to|that|of|about)\b",
)
_REMINDER_BY_SYSTEM = re.compile(
    r"\b(?:bot|job|tool|system|automation|workflow|script|integration|scheduler|it|which|alert"
    r"|check|hook|page|banner|prompt)s?\s+(?:\w+\s+)?$",
)
_MUST = (
    r"(?:must|should|need\s+to|needs\s+to|have\s+to|has\s+to|will|shall|are\s+expected\s+to"
    r"|is\s+expected\s+to|are\s+asked\s+to|agreed\s+to|promised\s+to)\s+(?:(?:always|now"
    r"|from\s+now\s+on|in\s+future|going\s+forward|carefully|manually|personally)\s+)*"
)
_MUST_VIGILANT = _after(
    rf"{_MUST}(?:(?:double|triple)-?check|remember|take\s+care|read\s+the|follow\s+the\s+"
    r"(?:runbook|process|procedure|checklist)|verify\s+manually|manually\s+(?:check|verify)"
    r"|check|verify|review|test|look)"
)
_ENSURE_PEOPLE = re.compile(
    rf"\b(?:ensure|make\s+sure|see\s+to\s+it)\s+(?:that\s+)?{_PEOPLE_OBJECT}\s+(?:always\s+"
    r"|carefully\s+)?(?:follow|read|check|double-check|verify|remember|review|test|pay|are"
    r"\s+careful|is\s+careful|take\s+care|think)",
)
_IMPERATIVE = re.compile(
    r"^\W*(?:please\s+)?(?:always\s+)?(?:(?:double|triple)-?check|make\s+sure\s+to|be\s+sure\s+to"
    r"|take\s+care\s+to|try\s+to\s+remember|think\s+(?:twice|before)|slow\s+down|read\s+the"
    r"\s+\w+\s+(?:carefully|before)|always\s+(?:check|read|follow|verify|test))\b",
)

# --- Triage ----------------------------------------------------------------------------------

_HYPOTHESIS = re.compile(
    r"\b(?:suspect\w*|hypothes\w+|theor(?:y|ies|ised|ized)|wonder\w*|speculat\w+|ruled?\s+out"
    r"|whether|possibly|perhaps|maybe|might\s+have|may\s+have|unconfirmed|(?:we|responders|the"
    r"\s+team|the\s+ic)\s+(?:initially\s+|first\s+)?(?:thought|believed|guessed|assumed))\b",
)
_TRIAGE_QUESTION = re.compile(r"^\W*(?:did|was|were|could|might|is|are|has|have|had|do|does)\b")


@dataclass(frozen=True)
class _Subject:
    """Who a phrase could be about: where it stands, and what sort of subject it is."""

    start: int
    end: int
    who: str  # person, team, ambiguous, pronoun, they, guess (a capitalised word), we


@dataclass(frozen=True)
class _Sentence:
    """A sentence being judged: its text, who it could be about, where its clauses join."""

    text: str
    low: str  # the text lowercased, where the vocabulary is looked for
    subjects: list[_Subject]
    joins: list[tuple[int, int]]  # (start, end) of each "but/and/then" that may carry a subject


_ANYONE = frozenset({"person", "team", "ambiguous", "pronoun", "they", "guess", "we"})
_NOT_US = _ANYONE - {"we"}
_NAMED = frozenset({"person", "team", "pronoun", "they"})
_EXPLICIT = frozenset({"person", "team", "pronoun"})
_CAUSERS = frozenset({"person", "team", "pronoun", "guess"})
# (who may be the subject, the phrase after it, whether a system reason excuses it)
_SLIPS = (
    (_ANYONE, _PURE_AFTER, False),
    (_ANYONE, _STRONG_AFTER, True),
    (_NOT_US, _HUMAN_AFTER, True),
    (_NAMED, _DILIGENT_AFTER, True),
    (_EXPLICIT, _GENERIC_AFTER, True),
)
_LABEL = {"team": "team", "ambiguous": "team", "we": "we"}
# The words that can stand just before a person named as a cause: "by", "to", "with", "was".
_CAUSE_LINKS = _wordset("by of to with on from was is : - — cause cause: culprit")
# The kinds judged by a rule of their own, in order; a triage hypothesis skips all but one.
_RuleTable = tuple[tuple[str, Callable[[_Sentence], str | None]], ...]


def check(text: str, *, names: Iterable[str] = ()) -> list[Finding]:
    """Find the sentences that blame people; `names` are the people involved (first names count)."""
    known = _names_pattern(names)
    findings = []
    for sentence in _sentences(text):
        judged = _judge(_read(sentence.translate(_NORMALISE), known))
        if judged is not None:
            kind, who = judged
            why, suggestion = KINDS[kind]
            label = _WHO[_LABEL.get(who, "person")]
            findings.append(Finding(sentence, why.format(who=label), suggestion, kind))
    return findings


def check_sections(
    sections: Mapping[str, str], *, names: Iterable[str] = ()
) -> list[tuple[str, Finding]]:
    """Check each section in order; pair every finding with its section's key."""
    people = list(names)
    return [(key, f) for key, text in sections.items() for f in check(text, names=people)]


def _sentences(text: str) -> list[str]:
    """Sentences as written: one per line, bullet or sentence end."""
    pieces: list[str] = []
    for line in text.splitlines():
        body = _BULLET.sub("", line)
        pieces.extend(piece.strip() for piece in _BREAK.split(body))
    return [piece for piece in pieces if piece]


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """The people's names, full and first, as written and capitalised, and their handles."""
    forms: set[str] = set()
    for name in names:
        full = " ".join(name.lstrip("@").split())
        first = re.split(r"[\s._]", full)[0]
        for form in (full, first):
            if len(form) >= 2:
                forms |= {form, form[0].upper() + form[1:]}
    if not forms:
        return None
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w@])(?:{alternatives})(?![\w-])")


def _read(text: str, known: re.Pattern[str] | None) -> _Sentence:
    """The sentence with its possible subjects and the joins that may carry them."""
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer: keep positions aligned
        low = text
    joins = [(m.start(), m.end()) for m in _CONJ.finditer(low)]
    return _Sentence(text, low, _subjects(text, low, known), joins)


def _judge(s: _Sentence) -> tuple[str, str] | None:
    """The one kind of blame the sentence shows, most specific first, and who it names."""
    if _be_more_careful(s):
        return "be-more-careful", "person"
    if _hindsight(s):
        return "hindsight", "person"
    low = s.low
    triage = bool(_HYPOTHESIS.search(low)) or (
        low.rstrip().endswith("?") and bool(_TRIAGE_QUESTION.match(low))
    )
    if not triage and _human_error(low):
        return "human-error", "person"
    for kind, rule in _TRIAGE_SAFE_RULES if triage else _RULES:
        who = rule(s)
        if who is not None:
            return kind, who
    return None


def _subjects(text: str, low: str, known: re.Pattern[str] | None) -> list[_Subject]:
    """Everyone the sentence could be about, in order: mentions, names, roles, pronouns."""
    found: list[_Subject] = []

    def add(spans: Iterable[tuple[int, int]], who: str) -> None:
        for start, end in spans:
            if not any(f.start <= start < f.end for f in found) and not _DENIED.search(
                low, max(0, start - 8), start
            ):
                found.append(_Subject(start, end, who))

    add(((m.start(), m.end()) for m in _MENTION.finditer(text)), "person")
    add(((m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)), "person")
    initials = (m for m in _INITIALS.finditer(text) if m[0] not in _ACRONYMS)
    add(((m.start(), m.end()) for m in initials), "guess")
    if known is not None:
        add(((m.start(), m.end()) for m in known.finditer(text)), "person")
    for m in _ROLE.finditer(low):
        lead = _ROLE_LEAD.search(low, max(0, m.start() - 40), m.start())
        start = lead.start() if lead else m.start()
        if not _AMBIGUOUS.fullmatch(m["noun"]):
            add([(start, m.end())], "team")
        elif all(w in _HUMAN_MODIFIERS for w in low[start : m.start()].split()):
            add([(start, m.end())], "ambiguous")
    add(((m.start(), m.end()) for m in _TEAM.finditer(text)), "team")
    add(((m.start(), m.end()) for m in _PRONOUN.finditer(low)), "pronoun")
    add(((m.start(), m.end()) for m in _THEY.finditer(low)), "they")
    add(((m.start(), m.end()) for m in _WE.finditer(text)), "we")
    guesses = (m for m in _CAPITALISED.finditer(text) if _could_be_a_name(low, m))
    add(((m.start(), m.end()) for m in guesses), "guess")
    return sorted(found, key=lambda f: f.start)


def _could_be_a_name(low: str, match: re.Match[str]) -> bool:
    """A capitalised word that is no sentence opener, system or product ("the Checkout")."""
    word = match[0].split("-")[0]
    return (
        word not in _NOT_A_NAME
        and not _looks_like_a_system(word)
        and not _DETERMINER_BEFORE.search(low, max(0, match.start() - 12), match.start())
        and not _OBJECT_AFTER.match(low, match.end())
    )


def _looks_like_a_system(word: str) -> bool:
    """CI, PagerDuty, S3, Monitoring, Postgres: not how people's names look."""
    return (
        word in _SYSTEM_NAMES
        or any(c.isdigit() for c in word)
        or any(c.isupper() for c in word[1:])
        or word.endswith(("ing", "tion", "sion", "ment", "ness", "ity", "ics", "ware", "ers"))
    )


def _then(
    s: _Sentence,
    allowed: frozenset[str],
    phrase: tuple[re.Pattern[str], re.Pattern[str]],
) -> _Subject | None:
    """The first allowed subject followed by the phrase, directly or after "but/and/then"."""
    direct, bare = phrase
    for subject in s.subjects:
        if subject.who not in allowed:
            continue
        if direct.match(s.low, subject.end):
            return subject
        for start, end in s.joins:
            if start < subject.end:
                continue
            if _CLAUSE_BREAK.search(s.low, subject.end, start):
                break
            if bare.match(s.low, end):
                return subject
    return None


def _be_more_careful(s: _Sentence) -> bool:
    """An action item that asks people to be careful, remember or be retrained."""
    text = s.low
    if not _CAREFUL_GATE.search(text):
        return False
    for pattern in (_CAREFUL, _RETRAIN, _ENSURE_PEOPLE):
        for m in pattern.finditer(text):
            if not _before(_PREVENTED, text, m.start()) and not _before(
                _REMINDER_BY_SYSTEM, text, m.start()
            ):
                return True
    return bool(_IMPERATIVE.match(text)) or _then(s, _NOT_US - {"they"}, _MUST_VIGILANT) is not None


def _before(pattern: re.Pattern[str], text: str, position: int, width: int = 80) -> bool:
    """Whether the pattern ends just before `position` (it is anchored with `$`)."""
    return bool(pattern.search(text, max(0, position - width), position))


def _hindsight(s: _Sentence) -> bool:
    """A past act judged by what is known now: "should have", "would have known", "if X had"."""
    text = s.low
    if not _HINDSIGHT_GATE.search(text):
        return False
    if _HINDSIGHT_PHRASE.search(text) or _SHOULD_BEEN.search(text):
        return True
    if _then(s, _ANYONE, _SHOULD_ANY) is not None:
        return True
    for match in _SHOULD_MENTAL.finditer(text):
        # "The pipeline should have caught it" is about a system; "the reviewer…" is not.
        if not (
            _before(_SYSTEM_BEFORE, text, match.start())
            or _ends_with_a_system(s.text[: match.start()])
        ):
            return True
    if not _SYSTEM_ENABLER.search(text) and (
        _ANYONE_WOULD.search(text)
        or any(not _before(_NEGATED, text, m.start()) for m in _WOULD_KNOWN.finditer(text))
        or _then(s, _ANYONE, _WOULD_AFTER) is not None
    ):
        return True
    return any(_if_had(text, subject) for subject in s.subjects)


def _ends_with_a_system(before: str) -> bool:
    """The words before end with a capitalised system name: "Terraform should have …"."""
    words = before.split()
    return bool(words) and _looks_like_a_system(words[-1])


def _if_had(text: str, subject: _Subject) -> bool:
    """ "If Bob had read the runbook", "had the reviewer looked": a counterfactual on a person."""
    if _word_before(text, subject.start) not in ("if", "had", "only", "unless") or not _before(
        _IF_HAD_START, text, subject.start, 12
    ):
        return False
    pattern = _IF_WE_HAD_AFTER if subject.who == "we" else _IF_HAD_AFTER
    return bool(pattern.match(text, subject.end))


def _human_error(text: str) -> bool:
    """ "Human error", "operator error", "PEBKAC", "a people problem" given as a cause."""
    return any(
        not _before(_PREVENTED, text, m.start())
        and not _HUMAN_ERROR_IS_NO_CAUSE.match(text, m.end())
        for m in _HUMAN_ERROR.finditer(text)
    )


def _blame_cause(s: _Sentence) -> str | None:
    """A person as the cause: "Nina's mistake", "caused by the DBA", "the fault lies with"."""
    text = s.low
    for subject in s.subjects:
        if subject.who != "we" and (
            _POSSESSED_FAULT.match(text, subject.end)
            or _POSSESSED_BREAKAGE.match(text, subject.end)
        ):
            return subject.who
        if _word_before(text, subject.start) not in _CAUSE_LINKS:
            continue
        # "The root cause was an operator mistyping …": a person doing, not a controller.
        acting = subject.who == "ambiguous" and _GUESS_AS_CAUSE.match(text, subject.end)
        if (subject.who in _CAUSERS or acting) and _before(_NAMED_AS_CAUSE, text, subject.start):
            return subject.who
        if subject.who not in _CAUSERS:
            continue
        # A capitalised word after "caused by" may be a product: "Nina's" or "Nina running" not.
        named = subject.who != "guess" or _GUESS_AS_CAUSE.match(text, subject.end)
        if named and (
            _before(_CAUSED_BY, text, subject.start) or _before(_FAULT_BY, text, subject.start)
        ):
            return subject.who
        if _before(_CHANGED_BY, text, subject.start) and _BADNESS.search(text):
            return subject.who
    if _PRONOUN_FAULT.search(text):
        return "person"
    blamed = any(not _before(_NEGATED, text, m.start()) for m in _BLAME.finditer(text))
    if blamed and not _GIT_BLAME.search(text):
        return "person"
    cause = _then(s, _CAUSERS, _CAUSE_AFTER)
    return cause.who if cause else None


def _word_before(low: str, position: int) -> str:
    """The word just before `position` ("by", "of"), a cheap first look before a regex."""
    words = low[max(0, position - 16) : position].split()
    return words[-1] if words else ""


def _judgement(s: _Sentence) -> str | None:
    """Character or effort judged: careless, sloppy, negligent, "not paying attention"."""
    if any(not _before(_NEGATED, s.low, m.start()) for m in _JUDGEMENT.finditer(s.low)):
        return "person"
    trait = _then(s, _ANYONE, _TRAIT_AFTER)
    return trait.who if trait else None


def _mistake_marker(s: _Sentence) -> str | None:
    """ "Mistakenly", "accidentally", "the wrong host" on a person's act (or a bare passive)."""
    text = s.low
    for match in _MARKER.finditer(text):
        if _cannot(text, match):
            continue
        who = _actor_before(s, match.start())
        if who is not None and who != "thing":
            return who
        passive = _before(_PASSIVE_BEFORE, text, match.start(), 12)
        if who == "thing" and passive and not _CAUSE_NAMED_AFTER.search(text, match.end()):
            return "person"
    for match in _WRONG_TARGET.finditer(text):
        if _cannot(text, match):
            continue
        who = _actor_before(s, match.start())
        if who == "fragment" and s.low[: match.start()].strip():  # "Ran it on the wrong host"
            return "person"
        if who not in (None, "thing", "ambiguous", "fragment"):
            return who
    return None


def _cannot(text: str, match: re.Match[str]) -> bool:
    """The act is one the system now prevents: "can't accidentally", "can no longer"."""
    return _before(_CANNOT_BEFORE, text, match.start(), 60) or bool(
        _CANNOT_AFTER.match(text, match.end())
    )


def _actor_before(s: _Sentence, position: int) -> str | None:
    """Who did the act at `position`: a subject's kind, "thing", "fragment" (no subject)."""
    end = position
    starts = [0] + [m.end() for m in _MARKER_CLAUSES.finditer(s.low, 0, position)]
    for start in reversed(starts):
        people = [p for p in s.subjects if start <= p.start < end]
        things = [m.start() for m in _THING_SUBJECT.finditer(s.low, start) if m.end() <= end]
        if things and (not people or things[-1] > people[-1].start):
            return "thing"
        if people:
            return people[-1].who
        clause = s.low[start:end]
        if start == 0:
            return "fragment" if not clause.strip() or _PAST_VERB.match(clause) else "thing"
        if _THING_START.match(s.text, start, end):
            return "thing"
        end = start
    return None


def _slip(s: _Sentence) -> str | None:
    """A person as the subject of a lapse: forgot, skipped, misread, didn't check, missed."""
    for allowed, phrase, excusable in _SLIPS:
        subject = _then(s, allowed, phrase)
        if subject is not None and not (excusable and _excused(s, subject.start, subject.end)):
            return subject.who
    for subject in s.subjects:
        slipped_by = (
            subject.who in _NAMED
            and _word_before(s.low, subject.start) == "by"
            and _before(_SLIPPED_BY, s.low, subject.start)
        )
        if slipped_by and not _excused(s, subject.start, subject.end):
            return subject.who
    slipped = _SLIPPED.search(s.low)
    return "person" if slipped and not _excused(s, slipped.start(), slipped.end()) else None


def _excused(s: _Sentence, start: int, end: int) -> bool:
    """A system reason outside the lapse's own clause: "… because the alert was flapping"."""
    for reason in _SYSTEM_REASON.finditer(s.low):
        if reason.start() >= end:
            return True
        if reason.end() <= start and "," in s.low[reason.end() : start]:
            return True
    return False


_RULES: _RuleTable = (
    ("blame-cause", _blame_cause),
    ("judgement", _judgement),
    ("mistake-marker", _mistake_marker),
    ("slip", _slip),
)
_TRIAGE_SAFE_RULES: _RuleTable = (("judgement", _judgement),)
