"""Test texts for near-duplicate detection: one wire story, its syndicated variants, and a
different story written independently about the same event (written for these tests)."""

from __future__ import annotations

WIRE_TITLE = "Russia and China sign gas supply memorandum during Beijing talks"
WIRE = """\
Russia and China signed a memorandum on Tuesday that could lead to a second large pipeline \
carrying Siberian gas to Chinese industry, officials in Beijing said after two days of talks.

The document, signed by the heads of Gazprom and the China National Petroleum Corporation, \
sets out the route of the Power of Siberia 2 pipeline through Mongolia but leaves the price \
of the gas to later negotiations, according to a person familiar with the discussions.

Moscow has sought new buyers for gas that once flowed to Europe. Exports to the European \
Union fell sharply after 2022, and the Kremlin has described the eastern route as a priority \
for the coming decade.

Chinese officials were more cautious. A spokesman for the foreign ministry said the two \
sides had agreed to continue consultations and that any agreement would follow commercial \
principles and the needs of the Chinese market.

Analysts in Shanghai said Beijing was in no hurry. China already buys pipeline gas from \
Central Asia and liquefied natural gas from Australia and Qatar, which gives its negotiators \
room to press for a lower price than Gazprom would like.

The pipeline would be able to carry up to 50 billion cubic metres a year once completed. \
Construction would take at least five years after a final contract is signed, engineers \
involved in the project estimated.

Mongolia, which would earn transit fees, welcomed the memorandum. Its prime minister said \
the project would bring investment and jobs to a country squeezed between its two large \
neighbours."""

# The same story as published by another outlet: new headline, a byline and a credit line.
SYNDICATED_TITLE = "Gazprom and CNPC agree route of Power of Siberia 2"
BYLINED = ("By Anna Petrova and Li Wei, Beijing bureau\n\n" + WIRE
           + "\n\nThis article was first published by our partner news agency.")
# The same story cut for space: the last paragraph is gone.
TRIMMED = WIRE.rsplit("\n\n", 1)[0]
# Light copy-editing: a few words changed, as syndication desks do.
EDITED = (TRIMMED.replace("on Tuesday", "this week")
          .replace("Chinese officials were more cautious.", "Beijing sounded more cautious.")
          .replace("Analysts in Shanghai", "Energy analysts in Shanghai"))

# An independent report on the same event: same names, numbers and facts, other words.
OTHER_TITLE = "Beijing in no rush as Moscow pushes second Siberian pipeline"
OTHER = """\
Talks in Beijing this week ended with a memorandum between Gazprom and China National \
Petroleum Corporation on the Power of Siberia 2 pipeline, but no deal on price.

The line would run through Mongolia and deliver as much as 50 billion cubic metres of gas a \
year, roughly what Russia used to send to Germany through Nord Stream before the war.

For the Kremlin the project is a way to replace lost European customers. For China it is one \
option among several: Turkmenistan already supplies gas by pipeline and tankers bring \
liquefied gas from Qatar and Australia.

That leaves Chinese negotiators with the stronger hand, said an energy economist at a Beijing \
university, who expected talks on price to drag on for years.

A spokesman for the Chinese foreign ministry would only say that cooperation with Russia \
was based on mutual benefit and market rules.

Officials in Ulaanbaatar were more enthusiastic, pointing to transit revenue and the jobs a \
construction project of this size would create in Mongolia."""
