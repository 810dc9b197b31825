USE {db:Identifier}
