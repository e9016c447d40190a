"""The built-in payer profiles. The Django side may build more PayerProfile values of its own."""

from .errors import UnknownProfile
from .types import PayerProfile

PROFILES: dict[str, PayerProfile] = {
    profile.key: profile
    for profile in (
        PayerProfile(
            key="medicare",
            name="Medicare",
            unit_method="cms",
            medicare=True,
            ncci_edits=True,
            # The NCCI reading (coding-rules.md section 4): no 97124 or 97112 on a region
            # manipulated with CMT.
            same_region_97124_97112_bundled_with_cmt=True,
            description=(
                "CMS 8-minute rule, NCCI edits, Medicare chiropractic rules "
                "(AT, GA, GZ, GY, GP), 97010 bundled, G0283 for unattended e-stim."
            ),
        ),
        PayerProfile(
            key="commercial-per-code",
            name="Commercial payer, units per code",
            unit_method="per-code",
            medicare=False,
            ncci_edits=True,
            same_region_97124_97112_bundled_with_cmt=False,
            description=(
                "Each timed code on its own minutes (AMA/CPT reading), NCCI edits, "
                "massage and re-education with CMT allowed on the manipulated region with 59 or "
                "XU."
            ),
        ),
        PayerProfile(
            key="commercial-cms",
            name="Commercial payer following the CMS 8-minute rule",
            unit_method="cms",
            medicare=False,
            ncci_edits=True,
            # A payer that follows CMS conventions: the stricter reading, as for Medicare.
            same_region_97124_97112_bundled_with_cmt=True,
            description=(
                "CMS 8-minute rule, NCCI edits, no Medicare coverage rules; massage and "
                "re-education with CMT only on a region not manipulated."
            ),
        ),
    )
}


def get_profile(key: str) -> PayerProfile:
    try:
        return PROFILES[key]
    except KeyError:
        raise UnknownProfile(key, PROFILES) from None
