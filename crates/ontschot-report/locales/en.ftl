### The report's words in English.
### Amounts, chances and decimals arrive as text, already written in the reader's notation by
### ontschot itself (€3.2m, 62%, 2,971); a count that a plural depends on arrives as a number
### beside its text ($years-count, $people-count). Variables named like $direction, $after or
### $crosses carry a choice (saves or pays, yes or no) that the sentence selects on.

## The first screen: a sentence per party, all parties together and what it brings people.

# A payer in the middle of a sentence, with its article. A payer without a message here is
# called by the scenario's label.
payer-insurer = the health insurer
payer-municipality = the municipality
payer-care_office = the long-term care fund
payer-client = the group of clients

# A year of the model, $year, in a scenario without calendar years.
model-year = year { $year }

# The subject of the sentence on all parties together.
all-parties = all parties together

# What one party ($number: singular) or the parties together (plural), $who, gain or pay
# ($direction: saves or pays): about $amount, with its $interval (a span in the same
# direction), the year $year from which its outlay is earned back ($break-even: year), or none
# within $years years (none), or nothing said (skip), and the chance of gaining, $chance. With arrangements in force ($after: yes) the
# chance is the one after them, and $net-after the size of the net after them, saved or paid
# ($after-direction), so the sentence keeps one sign convention.
headline = { $number ->
        [singular] { $direction ->
            [saves] { $who } saves about { $amount }
           *[pays] { $who } pays about { $amount } more
        }
       *[plural] { $direction ->
            [saves] { $who } save about { $amount }
           *[pays] { $who } pay about { $amount } more
        }
    } ({ $interval }){ $break-even ->
        [year] ; break-even in { $year }
        [none] ; no break-even within { $years } { $years-count ->
            [one] year
           *[other] years
        }
       *[skip] {""}
    }{ $after ->
        [yes] ; after the arrangements { $after-direction ->
            [saves] about { $net-after } saved
           *[pays] about { $net-after } more paid
        }, and the chance of gaining is { $chance }
       *[no] ; chance of gaining { $chance }
    }.

# The spending of a fund that bears no risk of its own, $who, falls or rises ($direction) by
# about $amount, with its $interval (a span in the same direction).
spending = The spending of { $who } { $direction ->
        [falls] falls
       *[rises] rises
    } by about { $amount } ({ $interval }).

# A 95% interval from $lo to $hi in the direction of its sentence ($direction: saves, pays,
# falls or rises). One that crosses zero ($crosses: yes) has amounts without sign, each end with
# the word of its direction: $lo-side and $hi-side are along (the sentence's) or against.
span = 95% interval: { $crosses ->
        [yes] { $lo } { $lo-side ->
                [along] { span-along }
               *[against] { span-against }
            } to { $hi } { $hi-side ->
                [along] { span-along }
               *[against] { span-against }
            }
       *[no] { $lo } to { $hi }
    }
# An end of a span that goes the sentence's way.
span-along = { $direction ->
        [saves] saved
        [pays] more
        [falls] fall
       *[rises] rise
    }
# An end of a span that goes against the sentence.
span-against = { $direction ->
        [saves] lost
        [pays] less
        [falls] rise
       *[rises] fall
    }

# What the intervention brings people, over the horizon and discounted: life-years ($years,
# from $years-lo to $years-hi) and, in a model with quality of life ($qalys: yes), QALYs gained
# ($qaly, from $qaly-lo to $qaly-hi). Decimals have one digit: "1.0" takes the plural.
health = For people: about { $measures ->
        [both] { $qaly } QALYs gained (95% interval { $qaly-lo } … { $qaly-hi }) and { $years } life-years (95% interval { $years-lo } … { $years-hi })
        [qalys] { $qaly } QALYs gained (95% interval { $qaly-lo } … { $qaly-hi })
       *[years] { $years } life-years (95% interval { $years-lo } … { $years-hi }) gained
    }, over the horizon, discounted.

# What the intervention changes in people's course, from the state trace: $list holds one
# phrase per state (event-fewer or event-more), joined by semicolons.
events = People entering a state over the horizon: { $list }.
# Fewer people entering state $state over the horizon: $count (whole people), 95% interval $lo to $hi.
event-fewer = { $state } about { $count } fewer (95% interval { $lo } … { $hi })
# More people entering state $state over the horizon: $count, 95% interval $lo to $hi.
event-more = { $state } about { $count } more (95% interval { $lo } … { $hi })

# When within a year amounts count for discounting ($timing: start, end, middle, continuous).
discount-timing = { $timing ->
        [end] discounted to the end of each year
        [middle] discounted to the middle of each year
        [continuous] discounted continuously over each year
        [point] discounted at each point of the cohort trace
       *[start] year 1 undiscounted
    }

# The smallest chance of gaining, $chance, that the best split of a joint fund reaches.
deal = With these shares every party gains with a chance of at least { $chance }; a higher chance for one lowers another's.

# The chance, $chance, that every party that bears risk gains in the same draw.
all-gain = Chance that every party involved that bears risk gains: { $chance }.

# The intervention arm $arm against $comparator, over $years years, for $people people.
subtitle = { $arm } against { $comparator }, over { $years } { $years-count ->
        [one] year
       *[other] years
    }, for { $people } { $people-count ->
        [one] person
       *[other] people
    }

## Titles, introductions, column heads and axes.

title = who pays, who benefits
who_title = Who pays and who benefits
who_intro = Per party over the whole horizon, discounted: what it invests, what it saves on care and its net, with the 95% interval and the probability of gaining, before and after the financing arrangements. A net above zero means the party gains.
cum_title = Cumulative net by year
cum_intro = Mean cumulative net after the arrangements per party, with the 95% band; the year from which the mean stays above zero is the break-even year.
arr_title = Financing arrangements side by side
arr_intro = The same draws under every arrangement: mean net per party and (in brackets) the probability of gaining. Arrangements only move money; the total stays the same.
tornado_title = Which assumptions decide the result
tornado_intro = Each uncertain assumption at its 2.5th and 97.5th percentile, the others at their means: this party's net. Blue: the low value; orange: the high value; the line is the base case.
budget_title = Budget per year
budget_intro = What each party sees in its cash, per calendar year, in euros of that year (not discounted), after the arrangements in force: at the tariff it pays, with the share of avoided care that really frees money, indexed, with own contributions by their rules. Plus: the party is better off. The Wlz is paid from the long-term care fund; the care office administers it without financial risk, so for the fund these are spending, not a gain or a loss. The lines show the cumulative balance with its 95% interval.
budget_axis = cumulative cash balance (EUR of each year)
cumulative = Cumulative
party_title = Per municipality and insurer
party_intro = The cash balance over the whole horizon per party of the region, after the arrangements in force: municipalities by their residents, insurers by their members (with switching), less what returns through risk equalisation to the equalisation fund.
riders_title = Joining or staying out
riders_intro = Per municipality and insurer the cash balance when every party joins and pays its part of the costs, and when this party alone stays out and still receives the savings on its residents or members (before arrangements).
cash_joining = Cash when joining
cash_staying = Cash when staying out
to_stay_out = Worth of staying out
deal_title = A split every party can sign?
deal_intro = A joint fund pays the intervention; the parties pay into it by shares chosen so that the smallest chance of gaining is as large as it can be.
share = Share
no_deal = No split lets every party gain in even one draw; the shares are only an illustration.
hypothetical = hypothetical: not in law in these years
p_better = P(better off, cumulative)
societal_note = Societal view: reference prices, discounted
assumptions_title = Every assumption
assumptions_intro = Every input with its distribution, unit and source; assumptions without a published source are marked.
method_title = Method and reproducibility
payer = Party
invests = Invests
saves = Saves on care
net = Net
interval = 95% interval
p_gain = P(gain)
net_after = Net after arrangements
p_gain_after = P(gain) after
net_axis = net (EUR, discounted)
net_after_axis = net after arrangements (EUR, discounted)
cum_axis = cumulative net (EUR)
year = year
break_even = Break-even year
option = Arrangement
no_arrangement = No arrangement
in_force = Arrangement in force
parameter = Parameter
low = Low value
high = High value
net_low = Net at low
net_high = Net at high
distribution = Distribution
unit = Unit
source = Source
assumption = Assumption
yes = yes
iterations = Iterations
seed = Seed
discount = Discount rate costs / effects per year
convention = Cycle convention
price_year = Price year
start_year = First budget year
population = Number of people
inflow = Entering each year
mode = Mode
mode_cohort = cohort: expected values
mode_individual = every person simulated
version = Version
command = Command that reproduces this report
