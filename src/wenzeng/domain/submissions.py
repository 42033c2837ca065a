"""The life of a submission: draft → submitted → accepted or returned → revised → …

Only accepted values become observations.  Every other move is refused
with a message that says where the submission stands and what can be done.
"""

from __future__ import annotations

from enum import StrEnum

from wenzeng.domain.labels import SUBMISSION_ACTION, SUBMISSION_STATUS
from wenzeng.domain.text import BilingualError


class Status(StrEnum):
    DRAFT = "draft"  # 草稿
    SUBMITTED = "submitted"  # 已报送待审核
    ACCEPTED = "accepted"  # 已接受
    RETURNED = "returned"  # 已退回，待修改

    @property
    def label_zh(self) -> str:
        return SUBMISSION_STATUS[self.value][0]


class Action(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    ACCEPT = "accept"
    RETURN = "return"
    REVISE = "revise"


# action → (states it may start from, state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status]] = {
    Action.EDIT: (frozenset({Status.DRAFT, Status.RETURNED}), Status.DRAFT),
    Action.SUBMIT: (frozenset({Status.DRAFT, Status.RETURNED}), Status.SUBMITTED),
    Action.ACCEPT: (frozenset({Status.SUBMITTED}), Status.ACCEPTED),
    Action.RETURN: (frozenset({Status.SUBMITTED}), Status.RETURNED),
    Action.REVISE: (frozenset({Status.ACCEPTED}), Status.DRAFT),
}

_ACTION_ZH = {code: zh for code, (zh, _) in SUBMISSION_ACTION.items()}


class IllegalTransition(BilingualError):
    pass


def next_status(current: Status, action: Action) -> Status:
    allowed, target = TRANSITIONS[action]
    if current not in allowed:
        can = [a.value for a, (frm, _) in TRANSITIONS.items() if current in frm]
        raise IllegalTransition(
            f"当前状态为“{current.label_zh}”，不能{_ACTION_ZH[action.value]}"
            f"（可进行：{'、'.join(_ACTION_ZH[a] for a in can) or '无'}）",
            f"cannot {action.value} a submission that is {current.value} "
            f"(possible: {', '.join(can) or 'nothing'})",
        )
    return target
