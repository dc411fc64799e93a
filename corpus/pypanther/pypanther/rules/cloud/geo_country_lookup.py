import pycountry

from pypanther import LogType, Rule, RuleTest, Severity


class GeoCountryLookup(Rule):
    # Exercises pycountry's ISO 3166-1 database (the installed package's data).
    id = "Geo.Country.Lookup"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW
    WATCH = {"KP", "IR"}

    def find(self, event):
        how = event.get("how", "alpha_2")
        code = event.get("code")
        if how == "lookup":
            return pycountry.countries.lookup(code)
        if how == "two":
            return pycountry.countries.get(alpha_2=code, alpha_3=code)
        if how == "default":
            return pycountry.countries.get(alpha_2=code, default="none found")
        return pycountry.countries.get(**{how: code})

    def rule(self, event):
        country = self.find(event)
        if country is None or isinstance(country, str):
            return False
        return country.alpha_2 in self.WATCH or event.get("always", False)

    def title(self, event):
        country = self.find(event)
        return f"{country.name} ({country.alpha_3}, {country.numeric}) {country!r}"

    def alert_context(self, event):
        country = self.find(event)
        same = country is pycountry.countries.get(alpha_3=country.alpha_3.lower())
        ctx = {"fields": dict(country), "same": same, "count": len(pycountry.countries)}
        if event.get("attr"):
            ctx["attr"] = getattr(country, event.get("attr"))
        return ctx

    tests = [
        RuleTest(name="alpha 2", expected_result=True, log={"code": "kp"}),
        RuleTest(name="alpha 3", expected_result=True, log={"how": "alpha_3", "code": "IRN"}),
        RuleTest(name="numeric", expected_result=True, log={"how": "numeric", "code": "250", "always": True}),
        RuleTest(name="name", expected_result=True, log={"how": "name", "code": "GERMANY", "always": True}),
        RuleTest(name="official name", expected_result=True, log={"how": "official_name", "code": "french republic", "always": True}),
        RuleTest(name="common name", expected_result=True, log={"how": "common_name", "code": "Iran", "always": True}),
        RuleTest(name="flag", expected_result=True, log={"how": "flag", "code": "🇯🇵", "always": True}),
        RuleTest(name="missing code", expected_result=False, log={"code": "ZZ"}),
        RuleTest(name="default", expected_result=False, log={"how": "default", "code": "ZZ"}),
        RuleTest(name="not a string", expected_result=False, log={"code": 42}),
        RuleTest(name="unknown field", expected_result=False, log={"how": "capital", "code": "Paris"}),
        RuleTest(name="two criteria", expected_result=False, log={"how": "two", "code": "FR"}),
        RuleTest(name="lookup", expected_result=True, log={"how": "lookup", "code": "nld", "always": True}),
        RuleTest(name="lookup miss", expected_result=False, log={"how": "lookup", "code": "Atlantis"}),
        RuleTest(name="missing attribute", expected_result=True, log={"code": "US", "always": True, "attr": "official_name"}),
        RuleTest(name="absent attribute", expected_result=True, log={"code": "DE", "always": True, "attr": "common_name"}),
        RuleTest(name="unicode name", expected_result=True, log={"how": "name", "code": "CÔTE D'IVOIRE", "always": True}),
    ]
