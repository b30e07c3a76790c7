// Random container names in docker's style: an adjective and the surname of a
// scientist or engineer, "nostalgic_johnson". The lists are our own selection.
#include "Containers.h"

#include <QRandomGenerator>

namespace berth {

namespace {

const char *const Adjectives[] = {
    "admiring",  "adoring",     "affectionate", "agitated",      "amazing",     "angry",
    "awesome",   "beautiful",   "blissful",     "bold",          "boring",      "brave",
    "busy",      "charming",    "clever",       "compassionate", "competent",   "confident",
    "cool",      "cranky",      "crazy",        "dazzling",      "determined",  "distracted",
    "dreamy",    "eager",       "ecstatic",     "elastic",       "elated",      "elegant",
    "eloquent",  "epic",        "exciting",     "fervent",       "festive",     "flamboyant",
    "focused",   "friendly",    "frosty",       "funny",         "gallant",     "gifted",
    "goofy",     "gracious",    "great",        "happy",         "hardcore",    "heuristic",
    "hopeful",   "hungry",      "infallible",   "inspiring",     "intelligent", "interesting",
    "jolly",     "jovial",      "keen",         "kind",          "laughing",    "loving",
    "lucid",     "magical",     "modest",       "musing",        "mystifying",  "naughty",
    "nervous",   "nice",        "nifty",        "nostalgic",     "objective",   "optimistic",
    "peaceful",  "pedantic",    "pensive",      "practical",     "priceless",   "quirky",
    "quizzical", "recursing",   "relaxed",      "reverent",      "romantic",    "sad",
    "serene",    "sharp",       "silly",        "sleepy",        "stoic",       "strange",
    "stupefied", "suspicious",  "sweet",        "tender",        "thirsty",     "trusting",
    "unruffled", "upbeat",      "vibrant",      "vigilant",      "vigorous",    "wizardly",
    "wonderful", "xenodochial", "youthful",     "zealous",       "zen",
};

const char *const Surnames[] = {
    "agnesi",    "albattani",     "allen",       "archimedes",   "ardinghelli",
    "babbage",   "banach",        "bardeen",     "bartik",       "bassi",
    "bell",      "benz",          "bhabha",      "black",        "blackwell",
    "bohr",      "booth",         "borg",        "bose",         "brahmagupta",
    "brown",     "burnell",       "cannon",      "carson",       "cartwright",
    "cerf",      "chandrasekhar", "chatelet",    "chebyshev",    "cohen",
    "colden",    "cori",          "curie",       "darwin",       "davinci",
    "dijkstra",  "dubinsky",      "easley",      "einstein",     "elion",
    "engelbart", "euclid",        "euler",       "fermat",       "fermi",
    "feynman",   "franklin",      "galileo",     "gates",        "goldberg",
    "goldstine", "goodall",       "hamilton",    "hawking",      "heisenberg",
    "hodgkin",   "hoover",        "hopper",      "hypatia",      "jackson",
    "jemison",   "jennings",      "johnson",     "kalam",        "keller",
    "kepler",    "khorana",       "kilby",       "knuth",        "kowalevski",
    "lamarr",    "lamport",       "leakey",      "leavitt",      "lovelace",
    "lumiere",   "mayer",         "mccarthy",    "mcclintock",   "meitner",
    "mendel",    "mirzakhani",    "montalcini",  "moore",        "morse",
    "napier",    "nash",          "neumann",     "newton",       "nightingale",
    "nobel",     "noether",       "noyce",       "pascal",       "pasteur",
    "payne",     "perlman",       "pike",        "poincare",     "ptolemy",
    "raman",     "ramanujan",     "ride",        "ritchie",      "rosalind",
    "saha",      "sammet",        "shannon",     "shockley",     "sinoussi",
    "snyder",    "spence",        "stonebraker", "swanson",      "tesla",
    "thompson",  "torvalds",      "turing",      "varahamihira", "villani",
    "volhard",   "wescoff",       "wilbur",      "wiles",        "williams",
    "wing",      "wozniak",       "wright",      "wu",           "yalow",
    "yonath",
};

} // namespace

QString Containers::randomName()
{
    QRandomGenerator *rng = QRandomGenerator::global();
    const char *adjective = Adjectives[rng->bounded(int(std::size(Adjectives)))];
    const char *surname = Surnames[rng->bounded(int(std::size(Surnames)))];
    // Docker's one exception, kept for the same reason: Steve Wozniak is not boring.
    if (qstrcmp(adjective, "boring") == 0 && qstrcmp(surname, "wozniak") == 0)
        return randomName();
    return QLatin1String(adjective) + QLatin1Char('_') + QLatin1String(surname);
}

} // namespace berth
