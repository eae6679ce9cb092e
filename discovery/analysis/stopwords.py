"""English stop words left out of theme labels: function words plus the filler of customer feedback."""

_WORDS = """
a about above after again against all almost also although always am among an and another any anybody
anyone anything anyway anywhere are aren't around as at away back be became because become been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't done
down during each either else enough etc even ever every everyone everything few for from further get gets
getting give given go goes going gone got had hadn't has hasn't have haven't having he her here hers herself
him himself his how however i i'd i'll i'm i've if in instead into is isn't it it's its itself just keep know
last least less let let's like likely lot lots made make makes many may maybe me might mine more most much
must mustn't my myself need needs needed neither never no nobody none nor not nothing now of off often on
once one only onto or other others otherwise our ours ourselves out over own per perhaps please quite rather
really right said same say says see seem seems several shall she should shouldn't since so some somebody
someone something sometimes somewhat still such sure take than that that's the their theirs them themselves
then there there's these they they'd they'll they're they've thing things think this those though through
thus to too toward towards under until up upon us use used using very via want wants was wasn't way we we'd
we'll we're we've well went were weren't what what's whatever when where whether which while who whom whose
why will with within without won't would wouldn't yes yet you you'd you'll you're you've your yours
yourself yourselves able actually already anymore bit currently day days especially etc hey hi hello
thanks thank ok okay great good bad lot guys team today tomorrow yesterday week weeks month months year
years time times every new still kind sort stuff end ago two three first second also again pretty
whole full add planned
"""

STOP_WORDS = frozenset(_WORDS.split())
