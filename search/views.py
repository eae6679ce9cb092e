"""The search page (what the command palette shows, without JavaScript)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from backlog.selectors.search import SEARCH_TEXT_MAX

from .selectors import search_everything


class SearchForm(forms.Form):
    q = forms.CharField(max_length=SEARCH_TEXT_MAX, required=False, label="Search")


@login_required
def search_page(request):
    form = SearchForm(request.GET or None)
    hits = []
    if form.is_valid() and form.cleaned_data["q"]:
        hits = search_everything(user=request.user, text=form.cleaned_data["q"], limit=50)
    return render(request, "search/search.html", {"form": form, "hits": hits, "searched": form.is_bound})
