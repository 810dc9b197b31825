cityHash64(Parent, Child)
