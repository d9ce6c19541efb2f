"""A hand-written portfolio's pmo.yaml shared by the review tests of history and impact: a freight company
with its own lifecycle and gate names (OK-SHAPE, OK-BUILD), not the sample's."""

from __future__ import annotations

_PMO = """\
apiVersion: pmo-lint/v1
kind: PMOConfig
metadata: {name: pmo}
spec:
  organization: Harbour Freight
  pmoTypes: [governance]
  currency: EUR
  projectTypes: [it]
  lifecycle:
    phases:
      - {id: idea}
      - {id: shape, startGate: OK-SHAPE}
      - {id: build, startGate: OK-BUILD}
    gates:
      - {id: OK-SHAPE, title: Shape, approverRoles: [pmo-director]}
      - {id: OK-BUILD, title: Build, approverRoles: [pmo-director]}
  scales:
    probability: [{id: low, value: 1}, {id: high, value: 3}]
    impact: [{id: low, value: 1}, {id: high, value: 3}]
  riskMatrix: {escalationScore: 6}
  approvalMatrix:
    - when: {category: cost}
      approverRoles: [pmo-director]
"""


def harbour_pmo(category: str = "cost") -> str:
    """The pmo.yaml, with a director approving change requests of ``category``."""
    return _PMO.replace("category: cost", f"category: {category}")
