"""The parts of the main window (gdsim.app.main_window composes them): the run presenter, the
menus, the files, the remembered layout, the tabs under the plots and the lesson windows."""
