AND ScopeName = {scopeName:String}
