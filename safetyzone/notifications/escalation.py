"""Escalation when nobody acknowledges (逐级上报): a reminder whose rule requires
acknowledgement starts a chain on its record; each time the rule's minutes pass
unacknowledged, the beat (``escalations_advance``) sends it one level up (the unit's
head, then committee staff, then the leader on duty), recording each step once. Anyone
who received the reminder or a step acknowledges it (``escalation_acknowledge``), which
stops the chain at once.

The domain apps register what is escalatable and who a level is for their records
(``registry.Escalatable``, ``registry.register_escalation_level``): this module imports
none of them."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyzone.core.states import TransitionNotAllowed

from .models import Escalation, EscalationRule, EscalationStep, Notification
from .registry import Draft, escalatables, escalation_level_people

# The chains one run moves at most; the rest wait for the next minute's run.
BATCH = 500

Level = EscalationRule.Level


def escalation_rules(subjects: Iterable[str] | None = None) -> dict[str, EscalationRule]:
    """The active rules that require acknowledgement, by subject (one query)."""
    rules = EscalationRule.objects.filter(is_active=True, requires_acknowledgement=True)
    if subjects is not None:
        rules = rules.filter(subject__in=set(subjects))
    return {rule.subject: rule for rule in rules}


def escalations_start(*, drafts: list[Draft], now: datetime) -> dict[str, int]:
    """The chains of the drafts marked for escalation whose rule is on: a new one for a
    record that has none (its first wait from ``now``), else the record's own. Returns
    {subject key: escalation id}. No query when no draft is marked; two more otherwise.
    Call inside the transaction that creates the drafts' notifications."""
    marked = [d for d in drafts if d.escalation]
    if not marked:
        return {}
    rules = escalation_rules(d.escalation for d in marked)
    marked = [d for d in marked if d.escalation in rules]
    if not marked:
        return {}
    firsts: dict[str, Draft] = {}
    for draft in marked:
        firsts.setdefault(draft.subject_key[:100], draft)
    Escalation.objects.bulk_create(
        [
            Escalation(
                subject_type=d.escalation,
                subject_key=key,
                kind=d.kind,
                subject_label=d.subject_label[:255],
                subject_url=d.subject_url[:255],
                message=d.message,
                started_at=now,
                next_at=now + timedelta(minutes=rules[d.escalation].wait_minutes),
            )
            for key, d in firsts.items()
        ],
        ignore_conflicts=True,
    )
    return dict(
        Escalation.objects.filter(subject_key__in=list(firsts)).values_list("subject_key", "pk")
    )


class _People:
    """Who each level is, read lazily for all the due chains at once: one query per
    level (and one per kind of record for the units), whatever the number of chains."""

    def __init__(self, chains: list[Escalation], now: datetime) -> None:
        self.chains = chains
        self.now = now
        self._units: dict[str, int] | None = None
        self._heads: dict[int, list[int]] | None = None
        self._level: dict[str, list[int]] = {}

    def of(self, level: str, chain: Escalation) -> list[int]:
        if level == Level.UNIT_HEAD:
            if self._heads is None:
                from .recipients import heads_by_unit

                registered = escalatables()
                self._units = {}
                keys: dict[str, list[str]] = defaultdict(list)
                for c in self.chains:
                    keys[c.subject_type].append(c.subject_key)
                for subject, subject_keys in keys.items():
                    if subject in registered:
                        self._units.update(registered[subject].units(subject_keys))
                self._heads = heads_by_unit(self._units.values())
            unit_id = (self._units or {}).get(chain.subject_key)
            return self._heads.get(unit_id, []) if unit_id else []
        if level not in self._level:
            if level == Level.COMMITTEE_STAFF:
                from .recipients import committee_staff_ids

                self._level[level] = committee_staff_ids()
            else:
                people = escalation_level_people(level)
                self._level[level] = list(people(self.now)) if people else []
        return self._level[level]


def escalations_advance(*, now: datetime | None = None) -> int:
    """The beat's run (every minute): each open chain whose wait is over goes one level
    up. Its record settled (the hazard closed, the report made, the chaser signed for),
    it stops. Levels with nobody new to tell (everyone was told already, or nobody holds
    the role) are recorded as skipped and the chain goes on to the next in the same run;
    past the last level it stops, every level told. Each step is recorded once, however
    many runs race: the chains are locked (others' skipped) and a step is unique per
    level. A bounded number of queries whatever the number of chains. Returns the steps
    recorded."""
    from .services import notifications_create

    now = now or timezone.now()
    rules = escalation_rules()
    if not rules:
        return 0
    registered = escalatables()
    with transaction.atomic():
        chains = list(
            Escalation.objects.select_for_update(skip_locked=True)
            .filter(status=Escalation.Status.OPEN, next_at__lte=now, subject_type__in=list(rules))
            .order_by("next_at", "pk")[:BATCH]
        )
        if not chains:
            return 0
        settled: set[str] = set()
        by_type: dict[str, list[str]] = defaultdict(list)
        for chain in chains:
            by_type[chain.subject_type].append(chain.subject_key)
        for subject, keys in by_type.items():
            if subject in registered:
                settled |= registered[subject].settled(keys)
        told: dict[int, set[int]] = defaultdict(set)
        for chain_id, user_id in Notification.objects.filter(
            escalation__in=[c.pk for c in chains if c.subject_key not in settled]
        ).values_list("escalation_id", "recipient_id"):
            told[chain_id].add(user_id)

        people = _People(chains, now)
        steps: list[EscalationStep] = []
        drafts: list[Draft] = []
        today = timezone.localdate(now)
        for chain in chains:
            rule = rules[chain.subject_type]
            if chain.subject_key in settled:
                _stop(chain, Escalation.Status.SETTLED, now)
                continue
            levels = rule.level_list
            while chain.level < len(levels):
                target = levels[chain.level]
                chain.level += 1
                recipients = sorted(set(people.of(target, chain)) - told[chain.pk])
                steps.append(
                    EscalationStep(
                        escalation=chain,
                        level=chain.level,
                        target=target,
                        skipped=not recipients,
                        created_at=now,
                    )
                )
                if recipients:
                    drafts.extend(_step_drafts(chain, rule, target, recipients, today))
                    chain.next_at = now + timedelta(minutes=rule.wait_minutes)
                    break
            else:
                _stop(chain, Escalation.Status.EXHAUSTED, now)
        EscalationStep.objects.bulk_create(steps, ignore_conflicts=True)
        Escalation.objects.bulk_update(chains, ["level", "next_at", "status", "stopped_at"])
        notifications_create(drafts=drafts, now=now)
    return len(steps)


def _stop(chain: Escalation, status: str, now: datetime) -> None:
    chain.status = status
    chain.stopped_at = now
    chain.next_at = None


def _step_drafts(
    chain: Escalation, rule: EscalationRule, target: str, recipients: list[int], today
) -> list[Draft]:
    message = _(
        "Not acknowledged after %(minutes)d minutes; passed to you as %(level)s: %(message)s"
    ) % {
        "minutes": rule.wait_minutes,
        "level": Level(target).label,
        "message": chain.message,
    }
    return [
        Draft(
            recipient_id=user_id,
            kind=chain.kind,
            reason=Notification.Reason.ESCALATED,
            subject_key=chain.subject_key,
            subject_label=chain.subject_label,
            subject_url=chain.subject_url,
            due_date=today,
            message=message,
            escalation=chain.subject_type,
            escalation_level=chain.level,
        )
        for user_id in recipients
    ]


@transaction.atomic
def escalation_acknowledge(*, notification: Notification, actor) -> Escalation:
    """``actor`` acknowledges (签收) the reminder ``notification`` is part of: its chain
    stops at once, no level more is told. The notification must be the actor's own
    (``selectors.notification_get``). Acknowledging a chain already acknowledged (by
    anyone) changes nothing and answers the first acknowledgement; a notification that
    needs none is refused (TransitionNotAllowed: 409)."""
    if notification.escalation_id is None:
        raise TransitionNotAllowed(
            _("This notification needs no acknowledgement."), code="no_acknowledgement"
        )
    chain = Escalation.objects.select_for_update().get(pk=notification.escalation_id)
    if chain.needs_acknowledgement:
        now = timezone.now()
        chain.status = Escalation.Status.ACKNOWLEDGED
        chain.acknowledged_by = actor
        chain.acknowledged_at = now
        chain.next_at = None
        chain.stopped_at = chain.stopped_at or now
        chain.save(
            update_fields=["status", "acknowledged_by", "acknowledged_at", "next_at", "stopped_at"]
        )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return chain
