rand()
