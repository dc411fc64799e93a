"""A project laid out in packages: custom rules found with `get_rules`, overrides applied
package-wise with `apply_overrides` (each module's `apply_overrides(rules)`, in
`walk_packages` order), managed rules chosen by id, and a plain helper package.
"""

import detections
import overrides
from pypanther import apply_overrides, get_panther_rules, get_rules, register

managed = get_panther_rules(
    id=["aws.s3.bucketdeleted-prototype", "AWS.Console.LoginWithoutMFA-prototype", "AWS.CloudTrail.Stopped-prototype"]
)
apply_overrides(overrides, managed)

register(get_rules(detections) + managed)
