from django import forms


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, like “CI pipeline”.")
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires",
        help_text="Optional. Leave empty for a token that lasts until you revoke it.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
