package coderdtest

import (
	"fmt"
	"math/rand/v2"
)

// Word lists in the spirit of moby's namesgenerator, which coderd uses for unnamed tokens.
var (
	nameAdjectives = []string{
		"admiring", "affectionate", "amazing", "awesome", "blissful", "bold", "brave",
		"charming", "clever", "compassionate", "condescending", "cool", "dazzling",
		"determined", "eager", "ecstatic", "elegant", "epic", "festive", "focused",
		"friendly", "gallant", "gifted", "happy", "hopeful", "inspiring", "jolly", "keen",
		"loving", "modest", "nifty", "optimistic", "peaceful", "quirky", "relaxed",
		"serene", "sharp", "stoic", "tender", "trusting", "vibrant", "wizardly", "zealous",
	}
	nameSurnames = []string{
		"albattani", "babbage", "banach", "bardeen", "bell", "bose", "curie", "darwin",
		"dijkstra", "einstein", "euclid", "fermat", "feynman", "galileo", "goldberg",
		"hamilton", "hopper", "hypatia", "jepsen", "kepler", "knuth", "lamport",
		"lovelace", "mccarthy", "meitner", "newton", "noether", "pascal", "ritchie",
		"shannon", "sinoussi", "thompson", "torvalds", "turing", "wozniak", "yonath",
	}
)

// randomTokenName mimics namesgenerator.GetRandomName(1): adjective_surname plus a digit.
func randomTokenName() string {
	return fmt.Sprintf("%s_%s%d",
		nameAdjectives[rand.IntN(len(nameAdjectives))],
		nameSurnames[rand.IntN(len(nameSurnames))],
		rand.IntN(10))
}
