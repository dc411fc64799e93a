"""Mixins whose `alert_context` chains through `super()`."""


class WithActor:
    def alert_context(self, event):
        context = super().alert_context(event)
        context["actor"] = self.actor(event)
        return context


class WithOutcome:
    def alert_context(self, event):
        context = super().alert_context(event)
        context["outcome"] = event.get("outcome", {}).get("result")
        return context
