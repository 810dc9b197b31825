SET readonly = 1;
