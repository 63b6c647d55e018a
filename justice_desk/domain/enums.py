"""The domain's closed vocabularies.

Values are stable ASCII codes stored in the database and in sync bundles; labels are English
message ids marked with ``N_`` and translated where they are shown (``label()``).
"""

from __future__ import annotations

from enum import StrEnum

from justice_desk.i18n import N_, _


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members carry a translatable label."""

    @classmethod
    def labels(cls) -> dict[str, str]:
        raise NotImplementedError

    def label(self) -> str:
        return _(type(self).labels()[self.value])


class SiteKind(LabelledEnum):
    CENTER = "center"
    PROVINCE = "province"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "center": N_("Community Justice Center"),
            "province": N_("Provincial Justice Office"),
        }


class CenterType(LabelledEnum):
    """ศยช. (community justice center), ศกช. (people's-sector mediation center), or both."""

    COMMUNITY_JUSTICE = "cjc"
    MEDIATION = "mediation"
    BOTH = "both"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "cjc": N_("Community Justice Center (CJC)"),
            "mediation": N_("People's-sector Mediation Center"),
            "both": N_("CJC and Mediation Center"),
        }


class Sex(LabelledEnum):
    MALE = "male"
    FEMALE = "female"
    UNSPECIFIED = "unspecified"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"male": N_("Male"), "female": N_("Female"), "unspecified": N_("Not specified")}


class MembershipStatus(LabelledEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    LEFT = "left"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"active": N_("Active"), "inactive": N_("Inactive"), "left": N_("Left the network")}


class CommitteePosition(LabelledEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    MEMBER = "member"
    SECRETARY = "secretary"
    ASSISTANT_SECRETARY = "assistant_secretary"
    TREASURER = "treasurer"
    ADVISER = "adviser"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "chair": N_("Chair"),
            "vice_chair": N_("Vice-chair"),
            "member": N_("Committee member"),
            "secretary": N_("Committee member and secretary"),
            "assistant_secretary": N_("Committee member and assistant secretary"),
            "treasurer": N_("Committee member and treasurer"),
            "adviser": N_("Adviser"),
        }

    @property
    def order(self) -> int:
        """Protocol order in attendance lists and signature blocks (members order)."""
        return list(type(self)).index(self)

    @property
    def counts_for_quorum(self) -> bool:
        # Advisers attend and advise but are not members of the body that decides.
        return self is not CommitteePosition.ADVISER


class MediatorStatus(LabelledEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REMOVED = "removed"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"active": N_("Registered"), "suspended": N_("Suspended"), "removed": N_("Removed")}


class MeetingMode(LabelledEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "in_person": N_("In person"),
            "online": N_("Online"),
            "hybrid": N_("In person and online"),
        }


class MeetingStatus(LabelledEnum):
    DRAFT = "draft"
    HELD = "held"
    ADOPTED = "adopted"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"draft": N_("Planned"), "held": N_("Held"), "adopted": N_("Minutes adopted")}


class Attendance(LabelledEnum):
    """A line of a meeting's attendance list. A member's line starts ``NOT_TAKEN`` (nobody has
    said yet whether they came) and becomes ``PRESENT`` or ``ABSENT`` when attendance is taken;
    substitutes and guests are lines of their own (docs/domain.md §4)."""

    PRESENT = "present"
    ABSENT = "absent"
    SUBSTITUTE = "substitute"
    GUEST = "guest"
    NOT_TAKEN = "not_taken"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "not_taken": N_("Not recorded yet"),
            "present": N_("Present"),
            "absent": N_("Absent"),
            "substitute": N_("Attending as substitute"),
            "guest": N_("Also attending"),
        }


class CaseChannel(LabelledEnum):
    WALK_IN = "walk_in"
    PHONE = "phone"
    LETTER = "letter"
    LINE = "line"
    OUTREACH = "outreach"
    REFERRAL_IN = "referral_in"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "walk_in": N_("In person at the center"),
            "phone": N_("Telephone"),
            "letter": N_("Letter or petition"),
            "line": N_("LINE or online"),
            "outreach": N_("Outreach visit"),
            "referral_in": N_("Referred by another agency"),
        }


class CaseKind(LabelledEnum):
    DISPUTE = "dispute"
    COMPLAINT = "complaint"
    LEGAL_ADVICE = "legal_advice"
    JUSTICE_FUND = "justice_fund"
    VICTIM_COMPENSATION = "victim_compensation"
    REINTEGRATION = "reintegration"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "dispute": N_("Dispute mediation"),
            "complaint": N_("Complaint or petition"),
            "legal_advice": N_("Legal advice"),
            "justice_fund": N_("Justice Fund referral"),
            "victim_compensation": N_("Victim compensation referral"),
            "reintegration": N_("Reintegration support"),
        }


class CaseCategory(LabelledEnum):
    CIVIL = "civil"
    CRIMINAL = "criminal"
    NONE = "none"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {"civil": N_("Civil"), "criminal": N_("Criminal"), "none": N_("Not a dispute")}


class CriminalStage(LabelledEnum):
    """Where a criminal matter stands outside the center (Dispute Mediation Act §36): those
    already dealing with it must be told of the mediation. Not asked yet is ``None``."""

    NONE = "none"
    POLICE = "police"
    PROSECUTOR = "prosecutor"
    COURT = "court"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "none": N_("No: not with the police, the prosecutor or a court"),
            "police": N_("Yes: with the police (inquiry officer)"),
            "prosecutor": N_("Yes: with the public prosecutor"),
            "court": N_("Yes: before a court"),
        }


class PartySide(LabelledEnum):
    APPLICANT = "applicant"
    RESPONDENT = "respondent"
    OTHER = "other"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "applicant": N_("Applicant"),
            "respondent": N_("Respondent"),
            "other": N_("Other party"),
        }


class CaseStatus(LabelledEnum):
    RECEIVED = "received"
    AWAITING_CONSENT = "awaiting_consent"
    IN_MEDIATION = "in_mediation"
    IN_PROGRESS = "in_progress"
    SETTLED = "settled"
    WITHDRAWN = "withdrawn"
    TERMINATED = "terminated"
    DISMISSED = "dismissed"
    REFERRED = "referred"
    ESCALATED = "escalated"
    COMPLETED = "completed"
    CLOSED = "closed"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "received": N_("Received"),
            "awaiting_consent": N_("Waiting for the respondent's consent"),
            "in_mediation": N_("In mediation"),
            "in_progress": N_("In progress"),
            "settled": N_("Settled"),
            "withdrawn": N_("Withdrawn"),
            "terminated": N_("Mediation ended without agreement"),
            "dismissed": N_("Dismissed: respondent did not consent"),
            "referred": N_("Referred to another agency"),
            "escalated": N_("Escalated to the Provincial Justice Office"),
            "completed": N_("Completed"),
            "closed": N_("Closed"),
        }

    @property
    def is_open(self) -> bool:
        return self in {
            CaseStatus.RECEIVED,
            CaseStatus.AWAITING_CONSENT,
            CaseStatus.IN_MEDIATION,
            CaseStatus.IN_PROGRESS,
            CaseStatus.SETTLED,
        }


class Compliance(LabelledEnum):
    COMPLIED = "complied"
    PARTIAL = "partial"
    BREACHED = "breached"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "complied": N_("Complied"),
            "partial": N_("Partly complied"),
            "breached": N_("Not complied"),
        }


class ChangeOp(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


# -- sync bookkeeping (docs/sync.md): stored in the province's and the center's own tables,
#    never in a bundle


class EnrolmentStatus(LabelledEnum):
    """A center as the province knows it (``enrolments.status``, docs/sync.md §9): a request
    that was only looked at (no key of it is trusted), approved, or revoked (its keys still
    verify what they signed up to the cut-off)."""

    PENDING = "pending"
    APPROVED = "approved"
    REVOKED = "revoked"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "pending": N_("Waiting for approval"),
            "approved": N_("Enrolled"),
            "revoked": N_("Key revoked"),
        }


#: Enrolment statuses of a center whose bundles are judged at all: approved, or revoked (what
#: its keys signed before the cut-off is still accepted).
ENROLLED: tuple[EnrolmentStatus, ...] = (EnrolmentStatus.APPROVED, EnrolmentStatus.REVOKED)


class KeyStatus(StrEnum):
    """A public key the database holds (``site_keys.status``, docs/sync.md §9): the site's
    current key, retired by a rotation (verifies only up to its retirement point), or
    revoked (only up to the officer's cut-off)."""

    ACTIVE = "active"
    ROTATED = "rotated"
    REVOKED = "revoked"


class ImportStatus(LabelledEnum):
    """What became of a file the province imported (docs/sync.md, "Import outcomes and
    reasons"): the ``status`` of an import outcome and of an ``import_log`` line, and of a
    bundle in ``received_bundles`` (which receipts report to the center).

    ``PARTIAL`` (applied without some refused records) is stored in ``received_bundles`` and
    the log only: the outcome says ``APPLIED`` with the count refused. ``SKIPPED`` (never read:
    not a file, or the import stopped) is never a received bundle."""

    APPLIED = "applied"
    PARTIAL = "partial"
    DUPLICATE = "duplicate"
    HELD = "held"
    REJECTED = "rejected"
    SKIPPED = "skipped"

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {
            "applied": N_("Applied"),
            "partial": N_("Applied in part"),
            "duplicate": N_("Already imported"),
            "held": N_("Held (waiting for earlier changes)"),
            "rejected": N_("Rejected"),
            "skipped": N_("Skipped"),
        }
