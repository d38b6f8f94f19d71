### The report's words in Dutch, in the sector's own terms.
### Amounts, chances and decimals arrive as text, already written in the reader's notation by
### ontschot itself (€ 3,2 mln, 62%, 2.971); a count that a plural depends on arrives as a number
### beside its text ($years-count, $people-count). Variables named like $direction, $after or
### $crosses carry a choice (saves or pays, yes or no) that the sentence selects on.

## The first screen: a sentence per party, all parties together and what it brings people.

# A payer in the middle of a sentence, with its article. A payer without a message here is
# called by the scenario's label.
payer-insurer = de zorgverzekeraar
payer-municipality = de gemeente
payer-care_office = het Fonds langdurige zorg
payer-client = de groep cliënten

# A year of the model, $year, in a scenario without calendar years.
model-year = jaar { $year }

# The subject of the sentence on all parties together.
all-parties = alle partijen samen

# What one party ($number: singular) or the parties together (plural), $who, gain or pay
# ($direction: saves or pays): about $amount, with its $interval (a span in the same
# direction), the year $year from which its outlay is earned back ($break-even: year), or none
# within $years years (none), or nothing said (skip), and the chance of gaining, $chance. With arrangements in force ($after: yes) the
# chance is the one after them, and $net-after the net after them.
headline = { $number ->
        [singular] { $direction ->
            [saves] { $who } bespaart circa { $amount }
           *[pays] { $who } betaalt circa { $amount } meer
        }
       *[plural] { $direction ->
            [saves] { $who } besparen circa { $amount }
           *[pays] { $who } betalen circa { $amount } meer
        }
    } ({ $interval }){ $break-even ->
        [year] ; terugverdiend in { $year }
        [none] ; niet terugverdiend binnen { $years } jaar
       *[skip] {""}
    }{ $after ->
        [yes] ; na de afspraken { $after-direction ->
            [saves] circa { $net-after } besparing
           *[pays] circa { $net-after } meerkosten
        }, met { $chance } kans op winst
       *[no] ; kans op winst { $chance }
    }.

# The spending of a fund that bears no risk of its own, $who, falls or rises ($direction) by
# about $amount, with its $interval (a span in the same direction).
spending = De uitgaven van { $who } { $direction ->
        [falls] dalen
       *[rises] stijgen
    } met circa { $amount } ({ $interval }).

# A 95% interval from $lo to $hi in the direction of its sentence ($direction: saves, pays,
# falls or rises). One that crosses zero ($crosses: yes) has amounts without sign, each end with
# the word of its direction: $lo-side and $hi-side are along (the sentence's) or against.
span = 95%-interval: { $crosses ->
        [yes] { $lo } { $lo-side ->
                [along] { span-along }
               *[against] { span-against }
            } tot { $hi } { $hi-side ->
                [along] { span-along }
               *[against] { span-against }
            }
       *[no] { $lo } tot { $hi }
    }
# An end of a span that goes the sentence's way.
span-along = { $direction ->
        [saves] besparing
        [pays] meer
        [falls] daling
       *[rises] stijging
    }
# An end of a span that goes against the sentence.
span-against = { $direction ->
        [saves] verlies
        [pays] minder
        [falls] stijging
       *[rises] daling
    }

# What the intervention brings people, over the horizon and discounted: life-years ($years,
# from $years-lo to $years-hi) and, in a model with quality of life ($qalys: yes), QALYs gained
# ($qaly, from $qaly-lo to $qaly-hi). Decimals have one digit: "1,0" takes the plural.
health = Voor de mensen: circa { $measures ->
        [both] { $qaly } QALY's erbij (95%-interval { $qaly-lo } … { $qaly-hi }) en { $years } levensjaren (95%-interval { $years-lo } … { $years-hi })
        [qalys] { $qaly } QALY's erbij (95%-interval { $qaly-lo } … { $qaly-hi })
       *[years] { $years } levensjaren (95%-interval { $years-lo } … { $years-hi }) erbij
    }, over de looptijd en verdisconteerd.

# What the intervention changes in people's course, from the state trace: $list holds one
# phrase per state (event-fewer or event-more), joined by semicolons.
events = Instroom over de looptijd: { $list }.
# Fewer people entering state $state over the horizon: $count (whole people), 95% interval $lo to $hi.
event-fewer = { $state } circa { $count } minder (95%-interval { $lo } … { $hi })
# More people entering state $state over the horizon: $count, 95% interval $lo to $hi.
event-more = { $state } circa { $count } meer (95%-interval { $lo } … { $hi })

# When within a year amounts count for discounting ($timing: start, end, middle, continuous).
discount-timing = { $timing ->
        [end] verdisconteerd naar het eind van elk jaar
        [middle] verdisconteerd naar het midden van elk jaar
        [continuous] continu verdisconteerd over elk jaar
        [point] verdisconteerd op elk punt van het cohortverloop
       *[start] jaar 1 niet verdisconteerd
    }

# The smallest chance of gaining, $chance, that the best split of a joint fund reaches.
deal = Met deze aandelen wint elke partij met een kans van minstens { $chance }; bij een hogere kans voor de één wordt die voor een ander kleiner.

# The chance, $chance, that every party that bears risk gains in the same draw.
all-gain = Kans dat alle betrokken partijen die risico dragen winnen: { $chance }.

# The intervention arm $arm against $comparator, over $years years, for $people people.
subtitle = { $arm } vergeleken met { $comparator }, over { $years } jaar, voor { $people } { $people-count ->
        [one] persoon
       *[other] mensen
    }

## Titles, introductions, column heads and axes.

title = wie betaalt, wie profiteert
who_title = Wie betaalt en wie profiteert
who_intro = Per partij over de hele looptijd, verdisconteerd: wat zij investeert, wat zij op zorg bespaart en wat zij netto overhoudt, met het 95%-interval en de kans op winst, vóór en na de financieringsafspraken. Netto boven nul: de partij wint.
cum_title = Cumulatief netto per jaar
cum_intro = Gemiddeld cumulatief netto na de afspraken per partij, met de 95%-band; het jaar waarin het gemiddelde boven nul komt en blijft is het terugverdienjaar.
arr_title = Financieringsafspraken naast elkaar
arr_intro = Dezelfde trekkingen onder elke afspraak: gemiddeld netto per partij en (tussen haakjes) de kans op winst. Afspraken verschuiven alleen geld; het totaal blijft gelijk.
tornado_title = Welke aannames de uitkomst bepalen
tornado_intro = Elke onzekere aanname op haar 2,5e en 97,5e percentiel, de andere op hun gemiddelde: het netto van deze partij. Blauw: de lage waarde; oranje: de hoge waarde; de lijn is het basisgeval.
budget_title = Begroting per jaar
budget_intro = Wat elke partij in kas merkt, per kalenderjaar, in euro's van dat jaar (niet verdisconteerd), na de afspraken die gelden: tegen het tarief dat zij betaalt, met het deel van vermeden zorg dat echt geld vrijmaakt, geïndexeerd, met eigen bijdragen volgens hun regels. Plus: de partij is beter uit. De Wlz wordt betaald uit het Fonds langdurige zorg; het zorgkantoor voert die uit zonder financieel risico, dus voor het fonds zijn dit uitgaven, geen winst of verlies. De lijnen tonen het cumulatieve saldo met het 95%-interval.
budget_axis = cumulatief kassaldo (euro van elk jaar)
cumulative = Cumulatief
party_title = Per gemeente en verzekeraar
party_intro = Het kassaldo over de hele looptijd per partij in de regio, na de afspraken die gelden: gemeenten naar hun inwoners, verzekeraars naar hun verzekerden (met overstappers), minus wat via de risicoverevening terugvloeit naar het vereveningsfonds.
riders_title = Meedoen of buiten blijven
riders_intro = Per gemeente en verzekeraar het kassaldo als iedereen meedoet en zijn deel van de kosten betaalt, en als alleen deze partij buiten blijft en toch de besparingen op haar inwoners of verzekerden krijgt (vóór afspraken).
cash_joining = Kassaldo als deelnemer
cash_staying = Kassaldo als buitenstaander
to_stay_out = Waarde van buiten blijven
deal_title = Een verdeling die iedereen kan tekenen?
deal_intro = Een gezamenlijk fonds betaalt de interventie; de partijen betalen erin naar aandelen, zo gekozen dat de kleinste kans op winst zo groot mogelijk is.
share = Aandeel
no_deal = Er is geen verdeling waarbij elke partij in ten minste één trekking wint; de aandelen zijn alleen een illustratie.
hypothetical = hypothetisch: bestaat niet in de wet in deze jaren
p_better = Kans beter uit (cumulatief)
societal_note = Maatschappelijk perspectief: referentieprijzen, verdisconteerd
assumptions_title = Alle aannames
assumptions_intro = Elke invoer met haar verdeling, eenheid en bron; aannames zonder gepubliceerde bron zijn gemarkeerd.
method_title = Methode en reproduceerbaarheid
payer = Partij
invests = Investeert
saves = Bespaart op zorg
net = Netto
interval = 95%-interval
p_gain = Kans op winst
net_after = Netto na afspraken
p_gain_after = Kans op winst na afspraken
net_axis = netto (euro, verdisconteerd)
net_after_axis = netto na afspraken (euro, verdisconteerd)
cum_axis = cumulatief netto (euro)
year = jaar
break_even = Terugverdienjaar
option = Afspraak
no_arrangement = Geen afspraak
in_force = Afspraak die geldt
parameter = Parameter
low = Lage waarde
high = Hoge waarde
net_low = Netto bij laag
net_high = Netto bij hoog
distribution = Verdeling
unit = Eenheid
source = Bron
assumption = Aanname
yes = ja
iterations = Iteraties
seed = Seed
discount = Discontovoet kosten / effecten per jaar
convention = Cycluscorrectie
price_year = Prijsjaar
start_year = Eerste begrotingsjaar
population = Aantal mensen
inflow = Instroom per jaar
mode = Rekenwijze
mode_cohort = cohort: verwachte waarden
mode_individual = ieder persoon apart gesimuleerd
version = Versie
command = Opdracht die dit rapport maakt
